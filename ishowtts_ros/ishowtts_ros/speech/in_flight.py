# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Where each accepted text is — queued, current, or unheard — under one lock.

Current: being synthesised by the speaker's thread. Unheard: written to the outputs, not
heard yet. The lock is the one under which a text is taken from the queue, a stop cuts,
audio is heard and ``tts/speaking`` changes, so that they are always in step. A cut
utterance's audio is refused by the outputs (:attr:`Utterance.cut`, set before they are
stopped): nothing of it plays once a stop has returned. The look-ahead is bounded here:
at most one text beyond the one being heard, and a chunk is synthesised only while less
than ``lookahead_s`` of audio waits to be heard.
"""

from __future__ import annotations

import logging
import threading
from typing import Callable, Iterable, List, Optional

import numpy as np

from ishowtts_ros.engine.text import preview
from ishowtts_ros.speech import saying
from ishowtts_ros.speech.hearing import Hearing, Sink
from ishowtts_ros.speech.queue import TextQueue, Utterance
from ishowtts_ros.speech.saying import Stopped
from ishowtts_ros.speech.stats import SpeechStats, SpeechTiming

LOG = logging.getLogger(__name__)
POLL_S = 0.02
LOOKAHEAD_S = 6.0


class InFlight:
    """The texts a speaker has taken, the stops that cut them, and ``tts/speaking``."""

    def __init__(
        self,
        queue: TextQueue,
        stats: SpeechStats,
        sinks: List[Sink],
        on_speaking: Callable[[bool], None],
        lookahead_s: Callable[[], float],
    ):
        self.queue = queue
        self.stats = stats
        self.sinks = sinks
        self.on_speaking = on_speaking
        self.lookahead_s = lookahead_s
        self._lock = threading.RLock()
        self.hearing = Hearing(sinks, self._lock)
        self._current: Optional[Utterance] = None  # being synthesised
        self._unheard: List[Utterance] = []  # handed to the outputs, not heard yet
        self._cancel = threading.Event()  # of the current utterance
        self._closed = threading.Event()
        self._speaking = False
        self.on_chunk_heard: Optional[Callable[[Utterance, str, float], None]] = None
        """Told of each chunk of text as it starts to be heard: whose, its text and seconds."""
        self.on_ended: Optional[Callable[[Utterance], None]] = None
        """Told of each utterance once it has ended (spoken, dropped or failed; lock held)."""

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
        self._ended(item)

    # -- what saying.py calls -----------------------------------------------------------------

    def room(self, item: Utterance) -> float:
        """Wait until the next chunk of ``item`` may be synthesised; the seconds ahead then.

        While it waits, the engine is free: :meth:`between_chunks` runs meanwhile.
        """
        while True:
            with self._lock:
                if self.hearing.wait_for_room(
                    self.lookahead_s(), lambda: item.cut or self._closed.is_set(), POLL_S
                ):
                    return self.hearing.ahead_s
                if item.cut or self._closed.is_set():
                    raise Stopped()
            self.between_chunks()

    def between_chunks(self) -> None:
        """Use the wait for the listener, outside the lock (the speaker runs its jobs)."""

    def write(
        self, item: Utterance, samples: np.ndarray, rate: int, text: str = "", text_s: float = 0
    ) -> None:
        """Hand ``samples`` of ``item`` to the outputs; :class:`Stopped` once it is cut."""
        with self._lock:
            if item.cut or self._closed.is_set():
                raise Stopped()
            if not item.started:  # it starts once the audio written before it is heard
                item.started = True
                self._set_speaking(True)
                self.hearing.when_heard(item, lambda played: played and _started(item))
        if text and self.on_chunk_heard is not None:  # the words it says, for tts/progress
            seconds = text_s or len(samples) / rate
            self.hearing.when_heard(
                item, lambda played: played and self.on_chunk_heard(item, text, seconds)
            )
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
        if not item.done.is_set():  # each text ends once, and is counted once
            self.stats.record_failure(reason)
            item.finish("failed", reason)
            self._ended(item)

    def _end(self, item: Utterance, outcome: str, reason: str) -> None:
        if not item.done.is_set():  # each text ends once, and is counted once
            self.stats.count(outcome, error=reason)
            item.finish(outcome, reason)
            self._ended(item)

    def _ended(self, item: Utterance) -> None:
        if self.on_ended is not None:
            with self._lock:  # in step with the cut that ended it
                self.on_ended(item)


def _started(item: Utterance) -> None:
    """``item``'s audio is being heard: whoever waits for that is told once."""
    if item.playing.is_set():
        return
    item.playing.set()
    if item.on_start is not None:
        item.on_start(item)
