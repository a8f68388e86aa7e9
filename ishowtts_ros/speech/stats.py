# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Counters and timings of the speaking service, shared by its threads."""

from __future__ import annotations

import collections
import threading
from dataclasses import dataclass, field
from typing import Deque, Optional

RTF_WINDOW = 20  # the mean RTF covers the last utterances, so it recovers after a slow spell


@dataclass
class SpeechStats:
    """What diagnostics report; every update goes through the lock."""

    engine_state: str = "loading"
    engine_error: str = ""
    spoken: int = 0
    dropped: int = 0
    failed: int = 0
    ignored: int = 0
    last_rtf: Optional[float] = None
    last_first_audio_s: Optional[float] = None
    last_error: str = ""
    playback_error: str = ""
    publish_error: str = ""
    rtfs: Deque[float] = field(default_factory=lambda: collections.deque(maxlen=RTF_WINDOW))
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def mean_rtf(self) -> Optional[float]:
        return sum(self.rtfs) / len(self.rtfs) if self.rtfs else None

    def count(self, name: str, amount: int = 1, error: str = "") -> None:
        with self.lock:
            setattr(self, name, getattr(self, name) + amount)
            if error:
                self.last_error = error

    def record_utterance(self, rtf: float, first_audio_s: float) -> None:
        with self.lock:
            self.spoken += 1
            self.last_rtf = rtf
            self.last_first_audio_s = first_audio_s
            self.rtfs.append(rtf)
