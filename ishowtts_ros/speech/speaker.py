# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The worker that speaks queued texts, a bounded distance ahead of the listener.

The speaker's thread takes a text from the queue only when the look-ahead has room: at
most one text beyond the one being heard is in flight, and a chunk is synthesised only
while less than ``lookahead_s`` of audio waits to be heard. So the next text is ready
when this one ends (no gap), while the others stay in the queue, where its policy acts.

Every accepted text is in exactly one place — queued, current (being synthesised), or
unheard (written, not heard yet) — under one lock: the lock under which a text is
taken, a stop cuts, audio is heard and ``tts/speaking`` changes. A cut utterance's audio
is refused by the outputs (:attr:`Utterance.cut`, set before they are stopped), so
nothing of it plays once a stop has returned.

The speaker's thread is the engine's one owner after loading: it runs the warm-up
(compiling, CUDA graphs) one step at a time whenever nothing waits or plays, and every
synthesis. Until an engine is loaded, or when it failed to load, the fallback voice
(when there is one) says the texts.
"""

from __future__ import annotations

import logging
import threading
from typing import Callable, Iterable, List, Optional

import numpy as np

from ishowtts_ros.engine.text import preview
from ishowtts_ros.speech import saying
from ishowtts_ros.speech.fallback_voice import FallbackError
from ishowtts_ros.speech.hearing import Hearing, Sink
from ishowtts_ros.speech.idle_work import IdleWork
from ishowtts_ros.speech.queue import TextQueue, Utterance
from ishowtts_ros.speech.saying import Stopped
from ishowtts_ros.speech.stats import SpeechStats, SpeechTiming

LOG = logging.getLogger(__name__)
POLL_S = 0.02
LOOKAHEAD_S = 6.0


class Speaker:
    """Takes texts from the queue and speaks them, in order, until closed."""

    def __init__(
        self,
        queue: TextQueue,
        stats: SpeechStats,
        sinks: List[Sink],
        on_speaking: Callable[[bool], None],
        synthesis_settings: Callable[[], object],
        fallback=None,
        lookahead_s: Callable[[], float] = lambda: LOOKAHEAD_S,
    ):
        """Read ``synthesis_settings`` and ``lookahead_s`` per text; volume is the outputs'.

        ``fallback``: the voice of texts while no engine can speak (see
        :mod:`.fallback_voice`); None keeps them waiting while the engine loads.
        """
        self.queue = queue
        self.stats = stats
        self.sinks = sinks
        self.on_speaking = on_speaking
        self.settings = synthesis_settings
        self.fallback = fallback
        self.lookahead_s = lookahead_s
        self.engine = None
        self.idle_work = IdleWork()
        self._engine_known = threading.Event()  # without a fallback, texts wait until set
        self._lock = threading.RLock()
        self.hearing = Hearing(sinks, self._lock)
        self._current: Optional[Utterance] = None  # being synthesised
        self._unheard: List[Utterance] = []  # handed to the outputs, not heard yet
        self._cancel = threading.Event()  # of the current utterance
        self._closed = threading.Event()
        self._speaking = False
        self._thread = threading.Thread(target=self._run, name="speaker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    @property
    def warming_up(self) -> bool:
        """Warm-up steps are left (they run whenever nothing waits or plays)."""
        return self.idle_work.warming_up

    def engine_loaded(self, engine) -> None:
        """Speak with ``engine`` from now on, and warm it up while idle."""
        self.idle_work.add_warmup(engine.warmup_steps())
        self.engine = engine
        with self.stats.lock:
            self.stats.engine_state = "ready"
        self._engine_known.set()

    def engine_failed(self, reason: str) -> None:
        """Drop the queued texts (and later ones) with ``reason``: nothing can speak them."""
        with self.stats.lock:
            self.stats.engine_state, self.stats.engine_error = "failed", reason
        self._engine_known.set()

    # -- stops ----------------------------------------------------------------------------

    def interrupt_for(self, newer: Utterance) -> None:
        """Interrupt for ``newer``: cut every text in flight but it."""
        with self._lock:
            self._cut(lambda item: item is not newer, "interrupted by a newer text")

    def stop_all(
        self, reason: str = "stopped while speaking", queued: Optional[str] = "cleared by a stop"
    ) -> int:
        """Cut everything in flight, and the queue unless ``queued`` is None; the cleared count.

        ``reason`` and ``queued`` are what the cut and the cleared texts are dropped for.
        """
        with self._lock:
            cleared = self.queue.clear() if queued is not None else []
            self.drop_all(cleared, queued or "")
            self._cut(lambda item: True, reason)
        return len(cleared)

    def stop(self, matches: Callable[[Utterance], bool], reason: str) -> int:
        """Stop the utterances ``matches`` picks, queued or in flight; return how many."""
        with self._lock:
            removed = self.queue.remove(matches)
            self.drop_all(removed, reason)
            return len(removed) + self._cut(matches, reason)

    def drop_all(self, items: Iterable[Utterance], reason: str) -> None:
        """Account for utterances taken out of the queue before they were spoken."""
        for item in items:
            item.cut = True
            self._drop(item, reason)

    def close(self, timeout: float = 2.0) -> None:
        """Stop speaking and end the speaker thread (waiting ``timeout`` for its step)."""
        self._closed.set()
        self._engine_known.set()
        self.stop_all("the node is shutting down", "the node is shutting down")
        self._thread.join(timeout)
        with self._lock:
            self._set_speaking(False)  # the thread may have ended before it could say so

    def _cut(self, doomed: Callable[[Utterance], bool], reason: str) -> int:
        """Cut the texts in flight that ``doomed`` picks (lock held): their audio goes now."""
        in_flight = self._unheard + ([self._current] if self._current else [])
        cut = [item for item in in_flight if doomed(item) and not item.cut]
        for item in cut:
            item.cut = True  # from here on the outputs refuse its audio
        self._unheard = [item for item in self._unheard if not item.cut]
        if self._current is not None and self._current.cut:
            self._cancel.set()
        if cut and len(cut) == len(in_flight):
            self.hearing.stop()
        else:
            for item in cut:
                self.hearing.stop(item)
        self.hearing.changed.notify_all()
        for item in cut:
            LOG.info("stopped speaking %s", preview(item.text or item.key))
            self._end(item, "dropped", reason)
        self._speaking_unless_busy()
        return len(cut)

    # -- the thread -----------------------------------------------------------------------

    def _run(self) -> None:
        while not self._closed.is_set():
            try:
                self._step()
            except Exception:  # a bug must not end the service: the next text is spoken
                LOG.exception("the speaker failed; it goes on with the next text")

    def _step(self) -> None:
        if self.fallback is None and not self._engine_known.wait(POLL_S):
            return
        item = self._take(0 if self.idle_work.warming_up and self._idle() else POLL_S)
        if item is None:
            self._when_idle()
            return
        try:
            if self.engine is None and item.sound is None and self.fallback is None:
                self._drop(item, f"engine not loaded: {self.stats.engine_error}")
            else:
                self._speak(item)
        finally:
            with self._lock:
                self._current = None
            self.idle_work.busy()

    def _take(self, timeout: float) -> Optional[Utterance]:
        """Take the next text once the look-ahead has room for it; current from then on."""
        if not self.queue.wait(timeout):
            return None
        with self._lock:
            if not self.hearing.changed.wait_for(self._may_look_ahead, timeout):
                return None
            item = self.queue.take()
            if item is not None:
                self._current, self._cancel = item, threading.Event()
            return item

    def _may_look_ahead(self) -> bool:
        """At most one text beyond the one being heard, within ``lookahead_s``."""
        if self._closed.is_set():
            return False
        if not self._unheard:
            return True
        return len(self._unheard) == 1 and self.hearing.ahead_s < self.lookahead_s()

    def _idle(self) -> bool:
        """Nothing is being synthesised or waits to be heard."""
        with self._lock:
            return self._current is None and not self._unheard

    def _when_idle(self) -> None:
        """No text waits: warm up, or say that speaking ended, or give memory back."""
        with self._lock:
            if self._current is not None or self._unheard:
                return  # audio still plays
            self._speaking_unless_busy()  # before a warm-up step: steps can take seconds
        self.idle_work.run()

    # -- speaking one utterance -------------------------------------------------------------

    def _speak(self, item: Utterance) -> None:
        from ishowtts_ros.engine.errors import (
            EngineError,
            SynthesisCancelled,
            TextError,
            UnknownVoice,
        )

        fallback = self.engine is None and item.sound is None
        try:
            timing = saying.say(self, item, self._cancel)
        except (SynthesisCancelled, Stopped):
            with self._lock:
                if not item.cut:  # the speaker closed: nothing else accounts for it
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
        if fallback:
            self.stats.count("fallback_spoken")
        self._when_heard(item, timing)

    def _when_heard(self, item: Utterance, timing: Optional[SpeechTiming]) -> None:
        """End ``item`` as spoken once every output has played it (dropped if a stop came)."""

        def heard(played: bool) -> None:  # under the lock
            if item.cut:
                return  # the cut accounted for it
            self._unheard.remove(item)
            if played:
                self._spoken(item, timing)
            else:
                self._end(item, "dropped", "stopped while it was heard")
            self.hearing.changed.notify_all()
            self._speaking_unless_busy()

        with self._lock:
            if item.cut:
                return
            self._unheard.append(item)
            self._current = None  # in one place at a time
        self.hearing.when_heard(item, heard)

    def _spoken(self, item: Utterance, timing: Optional[SpeechTiming]) -> None:
        if timing is None:  # a sound, or the fallback voice
            self.stats.count("spoken")
        else:
            self.stats.record_utterance(timing)
        item.finish("spoken")

    # -- what saying.py calls -----------------------------------------------------------------

    def room(self, item: Utterance) -> float:
        """Wait until the next chunk of ``item`` may be synthesised; the seconds ahead then."""
        with self._lock:
            while not self.hearing.wait_for_room(
                self.lookahead_s(), lambda: item.cut or self._closed.is_set(), POLL_S
            ):
                if item.cut or self._closed.is_set():
                    raise Stopped()
            return self.hearing.ahead_s

    def write(self, item: Utterance, samples: np.ndarray, rate: int) -> None:
        """Hand ``samples`` of ``item`` to the outputs; :class:`Stopped` once it is cut."""
        with self._lock:
            if item.cut or self._closed.is_set():
                raise Stopped()
            if not item.started:  # it starts once the audio written before it is heard
                item.started = True
                self._set_speaking(True)
                self.hearing.when_heard(item, lambda played: played and _started(item))
        self.hearing.write(item, samples * item.volume if item.volume != 1.0 else samples, rate)

    def drain(self, item: Utterance) -> None:
        self.hearing.drain(saying.DRAIN_TIMEOUT_S, item)
        if item.cut:
            raise Stopped()

    # -- accounting -----------------------------------------------------------------------

    def _speaking_unless_busy(self) -> None:
        """Say speaking ended when nothing is in flight or queued (lock held)."""
        current = self._current is not None and not self._current.cut
        if not current and not self._unheard and not len(self.queue):
            self._set_speaking(False)

    def _set_speaking(self, speaking: bool) -> None:
        if speaking != self._speaking:  # lock held: in step with what is in flight
            self._speaking = speaking
            self.on_speaking(speaking)

    def _drop(self, item: Utterance, reason: str) -> None:
        LOG.warning("dropped %s: %s", preview(item.text or item.key), reason)
        self._end(item, "dropped", reason)

    def _fail(self, item: Utterance, reason: str) -> None:
        self.stats.record_failure(reason)
        item.finish("failed", reason)

    def _end(self, item: Utterance, outcome: str, reason: str) -> None:
        self.stats.count(outcome, error=reason)
        item.finish(outcome, reason)


def _started(item: Utterance) -> None:
    """``item``'s audio is being heard: whoever waits for that is told once."""
    if item.playing.is_set():
        return
    item.playing.set()
    if item.on_start is not None:
        item.on_start(item)
