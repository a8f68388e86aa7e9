# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The worker that speaks queued texts: synthesis streamed to the audio outputs.

Outputs ("sinks") get each chunk as soon as it exists: local playback runs in a thread
of its own, so synthesis of the next chunk overlaps playback of this one. Every text
ends as spoken, dropped (with a reason) or failed (with the error), in the statistics
and on the utterance itself (:meth:`Utterance.finish`).

The speaker's thread is the engine's one owner after loading: it runs the warm-up
(compiling, CUDA graphs) one step at a time whenever no text waits, and every synthesis.
Until an engine is loaded, or when it failed to load, the fallback voice (when there is
one) says the texts.
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
from ishowtts_ros.speech.stats import SpeechStats

LOG = logging.getLogger(__name__)
POLL_S = 0.05
DRAIN_TIMEOUT_S = 600.0
SOUND_BLOCK_S = 0.5  # sounds are handed on in blocks, so that a stop cuts them short


class Sink(Protocol):
    """An audio output."""

    error: str
    """What failed last, until the output works again ("" = working)."""

    def begin(self, utterance: Utterance) -> None: ...

    def write(self, samples: np.ndarray, sample_rate: int) -> None: ...

    def drain(self, timeout: float) -> bool:
        """Wait until the written audio has been heard; False on timeout."""

    def stop(self) -> None: ...

    def close(self) -> None: ...


class Stopped(Exception):
    """The utterance being spoken was stopped."""


class Speaker:
    """Takes texts from the queue and speaks them, one at a time, until closed."""

    def __init__(
        self,
        queue: TextQueue,
        stats: SpeechStats,
        sinks: List[Sink],
        on_speaking: Callable[[bool], None],
        volume: Callable[[], float],
        synthesis: Callable[[], object],
        fallback=None,
    ):
        """``volume`` and ``synthesis`` (the engine's per-call settings) are read per text.

        ``fallback``: the voice of texts while no engine can speak (see
        :mod:`.fallback_voice`); None keeps them waiting while the engine loads.
        """
        self.queue = queue
        self.stats = stats
        self.sinks = sinks
        self.on_speaking = on_speaking
        self.volume = volume
        self.synthesis = synthesis
        self.fallback = fallback
        self.engine = None
        self._warmup: Deque = collections.deque()  # steps left, run while idle
        self._engine_known = threading.Event()  # without a fallback, texts wait until set
        self._lock = threading.Lock()
        self._current: Optional[Utterance] = None
        self._cancel = threading.Event()  # of the current utterance
        self._cutoff = 0.0  # texts received before this (monotonic) are not to be spoken
        self._closed = threading.Event()
        self._speaking = False
        self._thread = threading.Thread(target=self._run, name="speaker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    @property
    def warming_up(self) -> bool:
        """Warm-up steps are left (they run whenever no text waits)."""
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

    def interrupt_for(self, unless: Utterance) -> None:
        """Interrupt for ``unless``: cut every older text, spoken, playing or just taken."""
        with self._lock:
            self._cutoff = max(self._cutoff, unless.received)
            if self._current is unless:
                return  # the new text is already speaking: nothing older is left
            self._cancel.set()
        self._stop_sinks()

    def stop_all(self) -> None:
        """Stop speaking now; a text taken from the queue a moment ago is not spoken either."""
        with self._lock:
            self._cutoff = time.monotonic()
            self._cancel.set()
        self._stop_sinks()

    def stop(self, matches: Callable[[Utterance], bool], reason: str) -> int:
        """Stop the utterances ``matches`` picks, queued or speaking; return how many."""
        removed = self.queue.remove(matches)
        self.drop_all(removed, reason)
        with self._lock:
            current = self._current if self._current and matches(self._current) else None
            if current is not None:
                self._cancel.set()
        if current is not None:
            self._stop_sinks()
        return len(removed) + (current is not None)

    def drop_all(self, items: Iterable[Utterance], reason: str) -> None:
        """Account for utterances taken out of the queue before they were spoken."""
        for item in items:
            self._drop(item, reason)

    def close(self, timeout: float = 2.0) -> None:
        self._closed.set()
        self._engine_known.set()
        self.stop_all()
        self._thread.join(timeout)

    def _stop_sinks(self) -> None:
        for sink in self.sinks:
            sink.stop()

    def _run(self) -> None:
        while not self._closed.is_set():
            if self.fallback is None and not self._engine_known.wait(POLL_S):
                continue
            item = self.queue.get(timeout=0 if self._warmup else POLL_S)
            if item is None:
                if self._warmup:  # idle: the next step of warm-up
                    self._warm_up_step()
                else:
                    self._set_speaking(False)
                continue
            if self.engine is None and item.sound is None and self.fallback is None:
                self._drop(item, f"engine not loaded: {self.stats.engine_error}")
                continue
            with self._lock:
                stopped = item.received < self._cutoff
                if not stopped:
                    self._current, self._cancel = item, threading.Event()
            if stopped:  # taken from the queue just before a stop or an interrupt
                self._drop(item, "stopped before it was spoken")
                continue
            try:
                self._speak(item, self._cancel)
            finally:
                with self._lock:
                    self._current = None
            if len(self.queue) == 0:
                self._drain()
                if len(self.queue) == 0:
                    self._set_speaking(False)
                    release_free_memory()  # idle: a good moment to give memory back

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

        try:
            for sink in self.sinks:
                sink.begin(item)
            outcome = None
            if item.sound is not None:
                self._play(item, *item.sound, cancel)
            elif self.engine is None:
                self._say_with_fallback(item, cancel)
            else:
                outcome = self._say(item, cancel)
            if item.wait_until_heard:  # its waiter is told once the audio has been heard
                self._drain()
                if cancel.is_set():  # cut while it was being heard
                    raise Stopped()
        except (SynthesisCancelled, Stopped):
            LOG.info("stopped speaking %s", preview(item.text or item.key))
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
        if outcome is None:
            self.stats.count("spoken")
        else:
            self.stats.record_utterance(*outcome)
        item.finish("spoken")

    def _say(self, item: Utterance, cancel: threading.Event) -> tuple:
        """Synthesise and hand on the text (again and again when it repeats); RTF, latency."""
        started = time.monotonic()
        first_audio: Optional[float] = None
        synthesis_s = audio_s = 0.0
        kept = []  # a repeated text is synthesised once
        chunks = self.engine.synthesize_stream(
            item.text, item.voice, self.synthesis(), cancel=cancel
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
        while item.repeat:
            self._drain()  # one repetition at a time: the outputs hold a bounded amount
            for samples, rate in kept:
                if cancel.is_set():
                    raise Stopped()
                self._write(item, samples, rate)
        return (synthesis_s / audio_s if audio_s else 0.0, first_audio or 0.0)

    def _say_with_fallback(self, item: Utterance, cancel: threading.Event) -> None:
        """Say the text in the fallback voice: no engine can (yet)."""
        samples = self.fallback.synthesize(item.text, self.synthesis().language)
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
        if not item.playing.is_set():
            item.playing.set()
            self._set_speaking(True)
            if item.on_start is not None:
                item.on_start(item)
        scaled = samples * (self.volume() * item.volume)
        for sink in self.sinks:
            sink.write(scaled, rate)

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
        if speaking != self._speaking:
            self._speaking = speaking
            self.on_speaking(speaking)
