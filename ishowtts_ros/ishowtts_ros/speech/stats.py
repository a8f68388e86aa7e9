# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Counters and timings of the speaking service, shared by its threads."""

from __future__ import annotations

import collections
import math
import threading
import time
from dataclasses import dataclass, field
from typing import Deque, Iterable, Optional, Tuple

RTF_WINDOW = 20  # the mean RTF covers the last utterances, so it recovers after a slow spell
LATENCY_WINDOW = 100
FAILURE_WINDOW = 256


@dataclass(frozen=True)
class SpeechTiming:
    """How one spoken text went."""

    synthesis_s: float
    audio_s: float
    first_audio_s: float
    """From the start of its synthesis to its first audio."""
    waited_s: float
    """From its arrival to the start of its synthesis (the queue, the texts before it)."""
    from_cache: bool = False
    """Said again from the phrase cache: no synthesis, no RTF."""


@dataclass
class SpeechStats:
    """What diagnostics report; every update goes through the lock."""

    engine_state: str = "loading"
    engine_error: str = ""
    spoken: int = 0
    dropped: int = 0
    failed: int = 0
    ignored: int = 0
    fallback_spoken: int = 0
    """Texts said by the fallback voice (also counted in ``spoken``)."""
    cache_hits: int = 0
    """Texts said again from the phrase cache (also counted in ``spoken``)."""
    consecutive_failures: int = 0
    """Texts that failed in a row, reset by the next one spoken."""
    last_rtf: Optional[float] = None
    last_first_audio_s: Optional[float] = None
    last_first_audio_from_arrival_s: Optional[float] = None
    last_error: str = ""
    last_failure: str = ""
    playback_error: str = ""
    playback_stalled: bool = False
    """The sound device takes no audio: nothing is heard, and speech waits for it."""
    publish_error: str = ""
    started: float = field(default_factory=time.monotonic)
    syntheses: Deque[Tuple[float, float]] = field(
        default_factory=lambda: collections.deque(maxlen=RTF_WINDOW)
    )
    """(synthesis s, audio s) of the last texts synthesised."""
    first_audio_s: Deque[float] = field(
        default_factory=lambda: collections.deque(maxlen=LATENCY_WINDOW)
    )
    first_audio_from_arrival_s: Deque[float] = field(
        default_factory=lambda: collections.deque(maxlen=LATENCY_WINDOW)
    )
    failure_times: Deque[float] = field(
        default_factory=lambda: collections.deque(maxlen=FAILURE_WINDOW)
    )
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def mean_rtf(self) -> Optional[float]:
        """Synthesis time over audio time of the last texts synthesised."""
        audio_s = sum(audio for _, audio in self.syntheses)
        return sum(synthesis for synthesis, _ in self.syntheses) / audio_s if audio_s else None

    @property
    def p95_first_audio_s(self) -> Optional[float]:
        """95th percentile of the recent first-audio latencies (from synthesis start)."""
        return nearest_rank(self.first_audio_s, 0.95)

    @property
    def p95_first_audio_from_arrival_s(self) -> Optional[float]:
        """95th percentile of the recent first-audio latencies from the texts' arrival."""
        return nearest_rank(self.first_audio_from_arrival_s, 0.95)

    def failed_within(self, seconds: float, now: Optional[float] = None) -> int:
        now = time.monotonic() if now is None else now
        return sum(1 for t in self.failure_times if now - t <= seconds)

    def count(self, name: str, amount: int = 1, error: str = "") -> None:
        with self.lock:
            setattr(self, name, getattr(self, name) + amount)
            if error:
                self.last_error = error

    def record_failure(self, error: str) -> None:
        with self.lock:
            self.failed += 1
            self.consecutive_failures += 1
            self.last_error = self.last_failure = error
            self.failure_times.append(time.monotonic())

    def record_utterance(self, timing: SpeechTiming) -> None:
        """Count a text spoken (heard to its end)."""
        with self.lock:
            self.spoken += 1
            self.consecutive_failures = 0
            self.last_first_audio_s = timing.first_audio_s
            self.last_first_audio_from_arrival_s = timing.waited_s + timing.first_audio_s
            self.first_audio_s.append(self.last_first_audio_s)
            self.first_audio_from_arrival_s.append(self.last_first_audio_from_arrival_s)
            if timing.from_cache:
                self.cache_hits += 1
            elif timing.audio_s:
                self.last_rtf = timing.synthesis_s / timing.audio_s
                self.syntheses.append((timing.synthesis_s, timing.audio_s))


def nearest_rank(values: Iterable[float], fraction: float) -> Optional[float]:
    """Return the nearest-rank percentile (``fraction`` 0.95 = p95); None for no values."""
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]
