# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""What the audio outputs hold: audio handed on and not heard yet, and who waits for it.

Every chunk written is followed by a marker on each output; once every output has passed
it (played, or dropped by a stop), its seconds are no longer ahead. The speaker reads
:attr:`Hearing.ahead_s` to synthesise no further ahead than it must (bounded look-ahead).
Shares the speaker's lock, so that what is ahead and what is in flight change together.
"""

from __future__ import annotations

import threading
import time
from typing import Callable, List, Protocol

import numpy as np

from ishowtts_ros.audio.output_queue import is_cut


class Sink(Protocol):
    """An audio output."""

    error: str
    """What failed last, until the output works again ("" = working)."""

    def write(self, samples: np.ndarray, sample_rate: int, owner: object) -> None:
        """Queue audio of utterance ``owner`` (refused once ``owner.cut``)."""

    def mark(self, on_heard: Callable[[bool], None], owner: object) -> None:
        """Call ``on_heard(True)`` once all audio written so far has been heard.

        ``on_heard(False)`` when a stop dropped it first.
        """

    def drain(self, timeout: float, owner: object = None) -> bool:
        """Wait until the written audio has been heard; False on timeout or ``owner`` cut."""

    def stop(self, owner: object = None) -> None:
        """Drop the audio not heard yet: all of it, or ``owner``'s."""

    def close(self) -> None: ...


class Hearing:
    """Audio ahead of the listener across ``sinks``, under ``lock`` (the speaker's)."""

    def __init__(self, sinks: List[Sink], lock: threading.RLock):
        self.sinks = sinks
        self.changed = threading.Condition(lock)
        """Notified whenever audio has been heard (or dropped)."""
        self.ahead_s = 0.0
        """Seconds written to the outputs and not heard yet (the slowest output's)."""
        self._unplayed_until = 0.0  # with no outputs: when the audio written would have ended

    def write(self, owner: object, samples: np.ndarray, rate: int) -> None:
        """Hand ``samples`` to every output; they count as ahead until heard."""
        seconds = len(samples) / rate
        with self.changed:
            self.ahead_s += seconds
            if not self.sinks:  # nothing plays it, yet it lasts its length: a repeat never spins
                self._unplayed_until = max(self._unplayed_until, time.monotonic()) + seconds
        for sink in self.sinks:
            sink.write(samples, rate, owner)
        self.when_heard(owner, lambda played: self._passed(seconds))

    def _passed(self, seconds: float) -> None:
        with self.changed:
            self.ahead_s = max(0.0, self.ahead_s - seconds)
            self.changed.notify_all()

    def when_heard(self, owner: object, then: Callable[[bool], None]) -> None:
        """Call ``then(played)`` once every output has passed what was written so far.

        ``played`` is False when a stop dropped some of it on any output.
        """
        if not self.sinks:
            with self.changed:  # as an output's callback would be: under the lock
                then(True)
            return
        waiting = [len(self.sinks)]
        complete = [True]

        def passed(played: bool) -> None:
            with self.changed:
                complete[0] = complete[0] and played
                waiting[0] -= 1
                if waiting[0] > 0:
                    return
                then(complete[0])  # under the lock: in step with the speaker's state

        for sink in self.sinks:
            sink.mark(passed, owner)

    def wait_for_room(self, ahead_s: float, give_up: Callable[[], bool], timeout: float) -> bool:
        """Wait until less than ``ahead_s`` is ahead; False on ``give_up()`` or timeout."""
        with self.changed:
            self.changed.wait_for(lambda: self.ahead_s < ahead_s or give_up(), timeout)
            return self.ahead_s < ahead_s and not give_up()

    def stop(self, owner: object = None) -> None:
        """Drop the audio not heard yet on every output: all of it, or ``owner``'s."""
        for sink in self.sinks:
            sink.stop(owner)

    def drain(self, timeout: float, owner: object) -> None:
        """Wait until every output has played its audio, or ``owner`` is cut."""
        for sink in self.sinks:
            sink.drain(timeout, owner)
        if not self.sinks:
            with self.changed:
                left = min(timeout, self._unplayed_until - time.monotonic())
                self.changed.wait_for(lambda: is_cut(owner), max(0.0, left))
