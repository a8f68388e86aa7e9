# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Audio handed on at the pace of real time, for listeners elsewhere.

When nothing plays locally, published audio is what the robot says: a chunk goes out no
earlier than its start time minus a small lead, chunks and utterances follow each other
without a gap or an overlap, an utterance is heard at the end time of its last chunk (so
that ``tts/speaking`` covers the audio a remote player plays), and a stop cuts what is
not out yet. Chunks go out in frames of at most ``frame_s``, so that a subscriber's
player, which plays what it got, falls silent within one frame of a stop. With local
playback, the player keeps time and frames go out as soon as they exist.
"""

from __future__ import annotations

import logging
import time
from typing import Callable, Optional

import numpy as np

from ishowtts_ros.audio.output_queue import Entry, OnHeard, OutputQueue, is_cut

LOG = logging.getLogger(__name__)
FRAME_S = 0.2

Emit = Callable[[np.ndarray, int, float], None]
"""Receives samples, their rate and their start time (``time.monotonic`` seconds)."""


class PacedOutput(OutputQueue):
    """A speaker sink that hands each chunk to ``emit`` on a real-time schedule.

    ``lead_s`` None: emit at once (something else keeps time, and says when audio is
    heard). Otherwise a frame is emitted ``lead_s`` before it starts.
    """

    def __init__(
        self,
        emit: Emit,
        lead_s: Optional[float],
        frame_s: float = FRAME_S,
        gain: Optional[Callable[[], float]] = None,
    ):
        super().__init__("paced-output", gain)
        self.emit = emit
        self.lead_s = lead_s
        self.frame_s = frame_s
        self._end = 0.0  # end time of the audio scheduled so far
        self._emitted_end = 0.0  # end time of the audio emitted so far
        if lead_s is not None:
            self.start()

    def write(self, samples: np.ndarray, sample_rate: int, owner: object = None) -> None:
        frame = max(1, int(self.frame_s * sample_rate))
        for offset in range(0, len(samples), frame):
            self._write_frame(samples[offset : offset + frame], sample_rate, owner)

    def _write_frame(self, samples: np.ndarray, sample_rate: int, owner: object) -> None:
        if self.lead_s is not None:
            super().write(samples, sample_rate, owner)
            return
        if is_cut(owner):
            return
        start = max(self._end, time.monotonic())
        self._end = start + len(samples) / sample_rate
        self._emit(samples * self.gain(), sample_rate, start)

    def mark(self, on_heard: OnHeard, owner: object = None) -> None:
        if self.lead_s is not None:
            super().mark(on_heard, owner)
        else:
            on_heard(True)  # out already; the local player says when it is heard

    def drain(self, timeout: float, owner: object = None) -> bool:
        """Wait until every frame is out and its audio has ended; False on timeout or a cut."""
        deadline = time.monotonic() + timeout
        if not super().drain(timeout, owner):
            return False
        while time.monotonic() < min(self._end, deadline) and not is_cut(owner):
            time.sleep(min(0.01, max(0.0, self._end - time.monotonic())))
        return time.monotonic() >= self._end and not is_cut(owner)

    def _schedule(self, entry: Entry) -> None:
        if entry.samples is None:  # heard when the audio before it has ended
            entry.start = self._end
            return
        start = max(self._end, time.monotonic())
        self._end = start + len(entry.samples) / entry.rate
        entry.start = start - self.lead_s

    def _stopped(self, everything: bool) -> None:
        """Close the schedule up over what was dropped.

        After a stop of everything the robot is silent now; after one utterance's stop,
        what is left follows the audio already out (a remote player plays that anyway).
        """
        now = time.monotonic()
        end = min(self._end, now) if everything else max(now, self._emitted_end)
        for entry in self._entries:
            if entry.samples is None:
                entry.start = end
            else:
                entry.start = end - self.lead_s
                end += len(entry.samples) / entry.rate
        self._end = end

    def _play(self, entry: Entry, wanted: Callable[[], bool]) -> None:
        if wanted():
            start = entry.start + self.lead_s
            self._emitted_end = start + len(entry.samples) / entry.rate
            self._emit(entry.samples * self.gain(), entry.rate, start)

    def _emit(self, samples: np.ndarray, rate: int, start: float) -> None:
        try:
            self.emit(samples, rate, start)
            self.error = ""
        except Exception as exc:  # a failed publish must not stop the speaker
            if not self.error:
                LOG.exception("publishing audio failed")
            self.error = f"publishing audio failed: {exc}"
