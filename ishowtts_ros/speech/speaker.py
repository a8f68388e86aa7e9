# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The worker that speaks queued texts: synthesis streamed to the audio outputs.

Outputs ("sinks") get each chunk as soon as it exists and play it in threads of their
own, so synthesis runs ahead of what is heard: the next chunk, and the next text, are
synthesised while this one plays, and texts follow each other without a gap. A text
ends when its audio has been heard (a marker the outputs call back), as spoken, or as
dropped (with a reason) or failed (with the error), in the statistics and on the
utterance itself (:meth:`Utterance.finish`). A stop cuts everything in flight: texts it
names are dropped, others that were only synthesised ahead are spoken again.

The speaker's thread is the engine's one owner after loading: it runs the warm-up
(compiling, CUDA graphs) one step at a time whenever nothing waits or plays, and every
synthesis. Until an engine is loaded, or when it failed to load, the fallback voice
(when there is one) says the texts.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from typing import Callable, Deque, Iterable, List, Optional, Protocol

import numpy as np

from ishowtts_ros.engine.text import preview
from ishowtts_ros.speech.fallback_voice import FallbackError
from ishowtts_ros.speech.memory import release_free_memory
from ishowtts_ros.speech.queue import TextQueue, Utterance
from ishowtts_ros.speech.stats import SpeechStats, SpeechTiming

LOG = logging.getLogger(__name__)
POLL_S = 0.02
DRAIN_TIMEOUT_S = 600.0
TRIM_AFTER_IDLE_S = 2.0  # memory goes back to the system after this long without speech
SOUND_BLOCK_S = 0.5  # sounds are handed on in blocks, so that a stop cuts them short


class Sink(Protocol):
    """An audio output."""

    error: str
    """What failed last, until the output works again ("" = working)."""

    def write(self, samples: np.ndarray, sample_rate: int, owner: object) -> None:
        """Queue audio of utterance ``owner``."""

    def mark(self, on_heard: Callable[[bool], None], owner: object) -> None:
        """Call ``on_heard(True)`` once all audio written so far has been heard.

        ``on_heard(False)`` when a stop dropped it first.
        """

    def drain(self, timeout: float) -> bool:
        """Wait until the written audio has been heard; False on timeout."""

    def stop(self, owner: object = None) -> None:
        """Drop the audio not heard yet: all of it, or ``owner``'s."""

    def close(self) -> None: ...


class Stopped(Exception):
    """The utterance being spoken was stopped."""


class Speaker:
    """Takes texts from the queue and speaks them, in order, until closed."""

    def __init__(
        self,
        queue: TextQueue,
        stats: SpeechStats,
        sinks: List[Sink],
        on_speaking: Callable[[bool], None],
        volume: Callable[[], float],
        synthesis_settings: Callable[[], object],
        fallback=None,
    ):
        """``volume`` and ``synthesis_settings`` (the engine's per-call ones) are read per text.

        ``fallback``: the voice of texts while no engine can speak (see
        :mod:`.fallback_voice`); None keeps them waiting while the engine loads.
        """
        self.queue = queue
        self.stats = stats
        self.sinks = sinks
        self.on_speaking = on_speaking
        self.volume = volume
        self.synthesis_settings = synthesis_settings
        self.fallback = fallback
        self.engine = None
        self._warmup: Deque = collections.deque()  # steps left, run while idle
        self._engine_known = threading.Event()  # without a fallback, texts wait until set
        self._lock = threading.Lock()
        self._current: Optional[Utterance] = None  # being synthesised
        self._unheard: List[Utterance] = []  # handed to the outputs, not heard yet
        self._cancel = threading.Event()  # of the current utterance
        self._cutoff = 0.0  # texts received before this (monotonic) are not to be spoken
        self._closed = threading.Event()
        self._speaking_lock = threading.Lock()
        self._speaking = False
        self._busy_at = time.monotonic()  # when something was last in flight
        self._trimmed = True
        self._thread = threading.Thread(target=self._run, name="speaker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    @property
    def warming_up(self) -> bool:
        """Warm-up steps are left (they run whenever nothing waits or plays)."""
        return bool(self._warmup)

    def engine_loaded(self, engine) -> None:
        """Speak with ``engine`` from now on, and warm it up while idle."""
        self._warmup.extend(engine.warmup_steps())
        self.engine = engine
        with self.stats.lock:
            self.stats.engine_state = "ready"
        self._engine_known.set()

    def engine_failed(self, reason: str) -> None:
        """Drop the queued texts (and later ones) with ``reason``: nothing can speak them."""
        with self.stats.lock:
            self.stats.engine_state, self.stats.engine_error = "failed", reason
        self._engine_known.set()

    def interrupt_for(self, newer: Utterance) -> None:
        """Interrupt for ``newer``: cut every older text, playing, synthesised or just taken."""
        with self._lock:
            self._cutoff = max(self._cutoff, newer.received)
        self._cut(lambda item: item is not newer, "interrupted by a newer text")

    def stop_all(self) -> None:
        """Stop speaking now; a text taken from the queue a moment ago is not spoken either."""
        with self._lock:
            self._cutoff = time.monotonic()
        self._cut(lambda item: True, "stopped while speaking")

    def stop(self, matches: Callable[[Utterance], bool], reason: str) -> int:
        """Stop the utterances ``matches`` picks, queued or in flight; return how many."""
        removed = self.queue.remove(matches)
        self.drop_all(removed, reason)
        return len(removed) + self._cut(matches, reason)

    def drop_all(self, items: Iterable[Utterance], reason: str) -> None:
        """Account for utterances taken out of the queue before they were spoken."""
        for item in items:
            self._drop(item, reason)

    def close(self, timeout: float = 2.0) -> None:
        """Stop speaking and end the speaker thread (waiting ``timeout`` for its step)."""
        self._closed.set()
        self._engine_known.set()
        self.stop_all()
        self._thread.join(timeout)
        self._set_speaking(False)  # the thread may have ended before it could say so

    def _cut(self, doomed: Callable[[Utterance], bool], reason: str) -> int:
        """Cut the texts in flight that ``doomed`` picks: their audio goes, now; the count.

        In flight: synthesised ahead and not heard yet, or being synthesised. The others
        in flight play on.
        """
        with self._lock:
            in_flight = self._unheard + ([self._current] if self._current else [])
            cut = [item for item in in_flight if doomed(item)]
            for item in cut:
                item.attempt += 1  # its markers and its synthesis no longer count
            self._unheard = [item for item in self._unheard if item not in cut]
            if self._current in cut:
                self._cancel.set()
            everything = len(cut) == len(in_flight)
        for sink in self.sinks:
            if everything:
                sink.stop()
            else:
                for item in cut:
                    sink.stop(item)
        for item in cut:
            LOG.info("stopped speaking %s", preview(item.text or item.key))
            self._end(item, "dropped", reason)
        return len(cut)

    def _run(self) -> None:
        while not self._closed.is_set():
            if self.fallback is None and not self._engine_known.wait(POLL_S):
                continue
            item = self.queue.get(timeout=0 if self._warmup and self._idle() else POLL_S)
            if item is None:
                self._when_idle()
                continue
            if self.engine is None and item.sound is None and self.fallback is None:
                self._drop(item, f"engine not loaded: {self.stats.engine_error}")
                continue
            with self._lock:
                stopped = item.received < self._cutoff
                if not stopped:
                    self._current, self._cancel = item, threading.Event()
                    self._trimmed = False
            if stopped:  # taken from the queue just before a stop or an interrupt
                self._drop(item, "stopped before it was spoken")
                continue
            try:
                self._speak(item, self._cancel)
            finally:
                with self._lock:
                    self._current = None
                    self._busy_at = time.monotonic()

    def _idle(self) -> bool:
        """Nothing is being synthesised or waits to be heard."""
        with self._lock:
            return self._current is None and not self._unheard

    def _when_idle(self) -> None:
        """No text waits: warm up, or say that speaking ended, or give memory back."""
        if not self._idle():
            return  # audio still plays
        self._set_speaking(False)  # before a warm-up step: steps can take seconds
        if self._warmup:
            self._warm_up_step()
            return
        if not self._trimmed and time.monotonic() - self._busy_at >= TRIM_AFTER_IDLE_S:
            release_free_memory()  # idle for a while: give memory back, off the speech path
            self._trimmed = True

    def _warm_up_step(self) -> None:
        step = self._warmup.popleft()
        started = time.monotonic()
        step()
        LOG.debug("warm-up step %r took %.1f s", step.name, time.monotonic() - started)
        if not self._warmup:
            LOG.info("warm-up done")

    def _speak(self, item: Utterance, cancel: threading.Event) -> None:
        from ishowtts_ros.engine.errors import (
            EngineError,
            SynthesisCancelled,
            TextError,
            UnknownVoice,
        )

        attempt = item.attempt
        try:
            outcome = None
            if item.sound is not None:
                self._play(item, *item.sound, cancel)
            elif item.stream is not None:
                outcome = self._say_reply(item, cancel)
            elif self.engine is None:
                self._say_with_fallback(item, cancel)
            else:
                outcome = self._say(item, cancel)
        except (SynthesisCancelled, Stopped):
            if item.attempt == attempt:  # not cut by a stop (which accounts for it)
                self._end(item, "dropped", "stopped while speaking")
            return
        except (TextError, UnknownVoice) as exc:  # nothing to say, or its voice is gone
            self._drop(item, str(exc))
            return
        except (EngineError, FallbackError) as exc:  # a clear reason (missing file, no voice)
            LOG.error("synthesis failed for %s: %s", preview(item.text), exc)
            LOG.debug("traceback", exc_info=True)
            self._fail(item, f"{type(exc).__name__}: {exc}")
            return
        except Exception as exc:  # a bug or a broken device: one bad text must not end the service
            LOG.exception("synthesis failed for %s", preview(item.text or item.key))
            self._fail(item, f"{type(exc).__name__}: {exc}")
            return
        self._when_heard(item, attempt, lambda: self._spoken(item, outcome))

    def _spoken(self, item: Utterance, timing: Optional[SpeechTiming]) -> None:
        if timing is None:  # a sound, or the fallback voice
            self.stats.count("spoken")
        else:
            self.stats.record_utterance(timing)
        item.finish("spoken")

    def _when_heard(self, item: Utterance, attempt: int, then: Callable[[], None]) -> None:
        """Call ``then`` once every output has played the audio written so far.

        A stop that drops the audio first ends the utterance as dropped instead (unless
        the stop was a cut, which accounts for it itself).
        """
        waiting = [len(self.sinks)]
        complete = [True]

        def heard(played: bool) -> None:
            with self._lock:
                if item.attempt != attempt:
                    return
                complete[0] = complete[0] and played
                waiting[0] -= 1
                if waiting[0] > 0:
                    return
                self._unheard.remove(item)
                idle = self._current is None and not self._unheard and not len(self.queue)
            if complete[0]:
                then()
            else:
                self._end(item, "dropped", "stopped while it was heard")
            if idle:
                self._set_speaking(False)

        with self._lock:
            if item.attempt != attempt:
                return  # cut after its synthesis ended: the cut accounted for it
            self._unheard.append(item)
        if not self.sinks:
            waiting[0] = 1
            heard(True)
        for sink in self.sinks:
            sink.mark(heard, item)

    def _say(self, item: Utterance, cancel: threading.Event) -> SpeechTiming:
        """Synthesise and hand on the text (again and again when it repeats)."""
        started = time.monotonic()
        first_audio: Optional[float] = None
        synthesis_s = audio_s = 0.0
        from_cache = True
        kept = []  # a repeated text is synthesised once
        chunks = self.engine.synthesize_stream(
            item.text, item.voice, self.synthesis_settings(), cancel=cancel
        )
        for chunk in chunks:
            if cancel.is_set():
                raise Stopped()
            if first_audio is None:
                first_audio = time.monotonic() - started
            self._write(item, chunk.samples, chunk.sample_rate)
            if item.repeat:
                kept.append((chunk.samples, chunk.sample_rate))
            synthesis_s += chunk.synthesis_s
            audio_s += chunk.seconds
            from_cache = from_cache and chunk.from_cache
        while item.repeat:
            self._drain()  # one repetition at a time: the outputs hold a bounded amount
            for samples, rate in kept:
                if cancel.is_set():
                    raise Stopped()
                self._write(item, samples, rate)
        waited = max(0.0, started - item.received)
        return SpeechTiming(synthesis_s, audio_s, first_audio or 0.0, waited, from_cache)

    def _say_reply(self, item: Utterance, cancel: threading.Event) -> Optional[SpeechTiming]:
        """Say a reply streamed in, each text as soon as it is complete: one utterance."""
        from ishowtts_ros.engine.errors import TextError

        first_audio: Optional[float] = None
        waited = synthesis_s = audio_s = 0.0
        continuing = False  # later texts go on the utterance: no short first chunk
        while True:
            if cancel.is_set():
                raise Stopped()
            text = item.stream.take()
            if text is None:
                break
            if not text:
                item.stream.wait(POLL_S)
                continue
            if self.engine is None:
                samples = self.fallback.synthesize(text, self.synthesis_settings().language)
                self._play(item, samples, self.fallback.sample_rate, cancel)
                continue
            started = time.monotonic()
            if first_audio is None:
                waited = started - item.received
            try:
                for chunk in self.engine.synthesize_stream(
                    text,
                    item.voice,
                    self.synthesis_settings(),
                    cancel=cancel,
                    continuing=continuing,
                ):
                    if cancel.is_set():
                        raise Stopped()
                    if first_audio is None:
                        first_audio = time.monotonic() - started
                    self._write(item, chunk.samples, chunk.sample_rate)
                    synthesis_s += chunk.synthesis_s
                    audio_s += chunk.seconds
            except TextError as exc:  # one sentence with nothing to say: the rest still is
                LOG.info("skipped in a streamed reply: %s", exc)
            continuing = True
        if not item.started:
            raise TextError("nothing speakable in the streamed reply")
        if self.engine is None:
            self.stats.count("fallback_spoken")
            return None
        return SpeechTiming(synthesis_s, audio_s, first_audio or 0.0, waited)

    def _say_with_fallback(self, item: Utterance, cancel: threading.Event) -> None:
        """Say the text in the fallback voice: no engine can (yet)."""
        samples = self.fallback.synthesize(item.text, self.synthesis_settings().language)
        self.stats.count("fallback_spoken")
        self._play(item, samples, self.fallback.sample_rate, cancel)

    def _play(self, item: Utterance, samples: np.ndarray, rate: int, cancel) -> None:
        """Hand ``samples`` on in blocks (a stop cuts them short), again if they repeat."""
        block = max(1, int(SOUND_BLOCK_S * rate))
        while True:
            for start in range(0, len(samples), block):
                if cancel.is_set():
                    raise Stopped()
                self._write(item, samples[start : start + block], rate)
            if not item.repeat:
                return
            self._drain()

    def _write(self, item: Utterance, samples: np.ndarray, rate: int) -> None:
        if not item.started:  # its audio starts once what was written before is heard
            item.started = True
            self._set_speaking(True)
            self._when_heard_before(item)
        scaled = samples * (self.volume() * item.volume)
        for sink in self.sinks:
            sink.write(scaled, rate, item)

    def _when_heard_before(self, item: Utterance) -> None:
        """Mark ``item`` playing once the audio written before it has been heard."""
        waiting = [len(self.sinks)]

        def started(played: bool) -> None:
            with self._lock:
                waiting[0] -= 1
                if waiting[0] > 0 or not played or item.playing.is_set():
                    return
            item.playing.set()
            if item.on_start is not None:
                item.on_start(item)

        if not self.sinks:
            waiting[0] = 1
            started(True)
        for sink in self.sinks:
            sink.mark(started, item)

    def _drain(self) -> None:
        for sink in self.sinks:
            sink.drain(DRAIN_TIMEOUT_S)

    def _drop(self, item: Utterance, reason: str) -> None:
        LOG.warning("dropped %s: %s", preview(item.text or item.key), reason)
        self._end(item, "dropped", reason)

    def _fail(self, item: Utterance, reason: str) -> None:
        self.stats.record_failure(reason)
        item.finish("failed", reason)

    def _end(self, item: Utterance, outcome: str, reason: str) -> None:
        self.stats.count(outcome, error=reason)
        item.finish(outcome, reason)

    def _set_speaking(self, speaking: bool) -> None:
        with self._speaking_lock:
            if speaking != self._speaking:
                self._speaking = speaking
                self.on_speaking(speaking)
