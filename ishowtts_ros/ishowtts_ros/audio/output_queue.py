# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Audio waiting for an output, played in order by a thread of the output's own.

What the speaker writes is queued at once (synthesis runs ahead of what is heard), with
markers that call back when everything before them has been heard. A stop drops what is
queued — everything, or one utterance's audio (its "owner") — and calls the dropped
markers back with False; audio of an owner already cut (its ``cut`` flag, set before
the stop) is refused, so no chunk written after a stop plays. ``gain`` is read as each
entry plays: a volume change is heard within one entry. The thread has an exception
barrier: a failure is logged and reported in ``error``, and the next entry plays.
Bounded: a writer waits while the queue is full, at most :data:`WRITE_TIMEOUT_S`.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from dataclasses import dataclass
from typing import Callable, Deque, Optional

import numpy as np

LOG = logging.getLogger(__name__)
MAX_PENDING = 256
WRITE_TIMEOUT_S = 5.0

OnHeard = Callable[[bool], None]


def is_cut(owner: object) -> bool:
    """Say whether ``owner``'s audio is stopped for good (cut by a stop or an interrupt)."""
    return bool(getattr(owner, "cut", False))


@dataclass
class Entry:
    """Samples to play, or (``samples`` None) a marker to call back."""

    owner: object
    samples: Optional[np.ndarray] = None
    rate: int = 0
    on_heard: Optional[OnHeard] = None
    start: float = 0.0
    """When it is due (``time.monotonic``), for outputs that keep a schedule."""


class OutputQueue:
    """The queue and the thread of an output; subclasses say how an entry is played."""

    def __init__(self, name: str, gain: Optional[Callable[[], float]] = None):
        self.name = name
        self.gain = gain or (lambda: 1.0)
        self.error = ""
        """What failed last, until the output works again ("" = working)."""
        self._entries: Deque[Entry] = collections.deque()
        self._cond = threading.Condition()
        self._busy: Optional[Entry] = None  # taken by the thread, being played
        self._generation = 0  # bumped by a stop of everything
        self._cut: set = set()  # owners stopped while one of their entries plays
        self._closed = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def write(self, samples: np.ndarray, sample_rate: int, owner: object = None) -> None:
        """Queue audio (waits only while the queue is full); refused once ``owner`` is cut."""
        with self._cond:
            if not self._cond.wait_for(
                lambda: len(self._entries) < MAX_PENDING or self._closed or is_cut(owner),
                WRITE_TIMEOUT_S,
            ):
                self.error = "audio output is stuck: a chunk was dropped"
                LOG.error("%s: %.2f s of audio dropped", self.error, len(samples) / sample_rate)
                return
            if is_cut(owner) or self._closed:
                return
            entry = Entry(owner, samples, sample_rate)
            self._schedule(entry)
            self._entries.append(entry)
            self._cond.notify_all()

    def mark(self, on_heard: OnHeard, owner: object = None) -> None:
        """Call ``on_heard(True)`` once what was written so far is heard (False: dropped)."""
        with self._cond:
            closed = self._closed
            if not closed:
                entry = Entry(owner, on_heard=on_heard)
                self._schedule(entry)
                self._entries.append(entry)
                self._cond.notify_all()
        if closed:  # nothing will play: whoever waits is answered now
            on_heard(False)

    def stop(self, owner: object = None) -> None:
        """Drop queued audio: all of it (``owner`` None) or ``owner``'s; cut what plays."""
        with self._cond:
            if owner is None:
                dropped = list(self._entries)
                self._entries.clear()
                self._generation += 1
            else:
                dropped = [e for e in self._entries if e.owner is owner]
                self._entries = collections.deque(e for e in self._entries if e.owner is not owner)
                if self._busy is not None and self._busy.owner is owner:
                    self._cut.add(owner)
            self._stopped(owner is None)
            self._cond.notify_all()
        for entry in dropped:
            if entry.on_heard is not None:
                entry.on_heard(False)

    def drain(self, timeout: float, owner: object = None) -> bool:
        """Wait until everything queued has been played; False on timeout.

        Returns at once (False) when ``owner`` is cut meanwhile: its audio will not play.
        """
        with self._cond:
            self._cond.wait_for(
                lambda: (not self._entries and self._busy is None) or is_cut(owner), timeout
            )
            return not self._entries and self._busy is None and not is_cut(owner)

    def close(self) -> None:
        self.stop()
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout=1.0)

    # -- what subclasses define -----------------------------------------------------------

    def _schedule(self, entry: Entry) -> None:
        """Set ``entry.start`` (called with the lock held): due at once by default."""

    def _stopped(self, everything: bool) -> None:
        """React to a stop of everything or of one owner (called with the lock held)."""

    def _play(self, entry: Entry, wanted: Callable[[], bool]) -> None:
        """Play one entry's samples; stop early once ``wanted()`` turns False."""
        raise NotImplementedError

    def _before_marker(self, owner: object) -> None:
        """Finish what is pending of ``owner``'s audio before its marker is called back."""

    def _idle_timeout(self) -> Optional[float]:
        """Seconds without entries after which :meth:`_went_idle` runs (None: never)."""
        return None

    def _went_idle(self) -> None:
        """Nothing came for :meth:`_idle_timeout` seconds (the thread's, lock not held)."""

    # -- the thread -----------------------------------------------------------------------

    def _run(self) -> None:
        with self._cond:
            while not self._closed:
                if not self._entries:
                    idle_s = self._idle_timeout()
                    if not self._cond.wait(idle_s) and not self._entries and not self._closed:
                        self._cond.release()
                        try:
                            self._went_idle()
                        finally:
                            self._cond.acquire()
                    continue
                entry = self._entries[0]
                wait = entry.start - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)  # woken early by a stop, a close or a new entry
                    continue
                self._entries.popleft()
                self._busy, generation = entry, self._generation
                self._cond.notify_all()
                self._cond.release()
                try:
                    self._handle(entry, generation)
                except Exception as exc:  # a bug or a device gone: the next entry still plays
                    LOG.exception("%s failed", self.name)
                    self.error = f"{self.name} failed: {type(exc).__name__}: {exc}"
                finally:
                    self._cond.acquire()
                    self._busy = None
                    self._cut.discard(entry.owner)
                    self._cond.notify_all()

    def _handle(self, entry: Entry, generation: int) -> None:
        def wanted() -> bool:
            return (
                generation == self._generation
                and entry.owner not in self._cut
                and not is_cut(entry.owner)
                and not self._closed
            )

        if entry.samples is None:
            played = wanted()
            try:
                if played:
                    self._before_marker(entry.owner)
            finally:  # whoever waits is answered, whatever failed before
                entry.on_heard(played)
            return
        if wanted():
            self._play(entry, wanted)
