# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Audio handed on at the pace of real time, for listeners elsewhere.

When nothing plays locally, published audio is what the robot says: a chunk goes out no
earlier than its start time minus a small lead, and the utterance lasts until the end
time of its last chunk, so that ``tts/speaking`` covers the audio a remote player plays
and a stop cuts what is not out yet. With local playback, the player keeps time and
chunks go out as soon as they exist.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from typing import Callable, Deque, Optional, Tuple

import numpy as np

LOG = logging.getLogger(__name__)
MAX_PENDING_CHUNKS = 256
WRITE_TIMEOUT_S = 5.0

Emit = Callable[[np.ndarray, int, float], None]
"""Receives samples, their rate and their start time (``time.monotonic`` seconds)."""


class PacedOutput:
    """A speaker sink that hands each chunk to ``emit`` on a real-time schedule.

    ``lead_s`` None: emit at once (something else keeps time). Otherwise a chunk is
    emitted ``lead_s`` before it starts; consecutive chunks, and utterances, follow each
    other without overlap.
    """

    def __init__(self, emit: Emit, lead_s: Optional[float]):
        self.emit = emit
        self.lead_s = lead_s
        self.error = ""
        self._end = 0.0  # end time of the audio written so far
        self._pending: Deque[Tuple[int, np.ndarray, int, float]] = collections.deque()
        self._generation = 0  # bumped by stop(): chunks of older generations are dropped
        self._cond = threading.Condition()
        self._closed = False
        self._thread: Optional[threading.Thread] = None
        if lead_s is not None:
            self._thread = threading.Thread(target=self._run, name="paced-output", daemon=True)
            self._thread.start()

    def begin(self, utterance) -> None:
        """Nothing to prepare: the schedule runs on from the previous utterance."""

    def write(self, samples: np.ndarray, sample_rate: int) -> None:
        with self._cond:
            start = max(self._end, time.monotonic())
            self._end = start + len(samples) / sample_rate
            if self.lead_s is not None:
                if not self._cond.wait_for(
                    lambda: len(self._pending) < MAX_PENDING_CHUNKS, WRITE_TIMEOUT_S
                ):
                    self.error = "audio output is stuck: a chunk was dropped"
                    return
                self._pending.append((self._generation, samples, sample_rate, start))
                self._cond.notify_all()
                return
        self._emit(samples, sample_rate, start)

    def drain(self, timeout: float) -> bool:
        """Wait until every chunk is out and its audio has ended; False on timeout."""
        if self.lead_s is None:
            return True
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._pending or time.monotonic() < self._end:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(min(remaining, max(0.001, self._end - time.monotonic())))
            return True

    def stop(self) -> None:
        """Drop what is not out yet; the utterance ends now."""
        with self._cond:
            self._generation += 1
            self._pending.clear()
            self._end = min(self._end, time.monotonic())
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._closed = True
        self.stop()
        if self._thread is not None:
            self._thread.join(timeout=1.0)

    def _run(self) -> None:
        with self._cond:
            while not self._closed:
                if not self._pending:
                    self._cond.wait()
                    continue
                generation, samples, rate, start = self._pending[0]
                wait = start - self.lead_s - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)  # woken early by stop(), close() or a new chunk
                    continue
                self._pending.popleft()
                self._cond.notify_all()
                if generation != self._generation:
                    continue
                self._cond.release()
                try:
                    self._emit(samples, rate, start)
                finally:
                    self._cond.acquire()

    def _emit(self, samples: np.ndarray, rate: int, start: float) -> None:
        try:
            self.emit(samples, rate, start)
            self.error = ""
        except Exception as exc:  # a failed publish must not stop the speaker
            if not self.error:
                LOG.exception("publishing audio failed")
            self.error = f"publishing audio failed: {exc}"
