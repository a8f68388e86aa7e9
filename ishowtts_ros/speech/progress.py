# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Which word is being heard: word times estimated from each chunk's real audio.

F5-TTS sizes a chunk's audio by its text's UTF-8 bytes (duration = reference frames per
reference byte times the chunk's bytes), so a word's share of the chunk's audio is taken
to be its share of the bytes: the chunk's real length, spread over its words by bytes.
A Chinese or Japanese character is a word of its own; punctuation and the space after a
word belong to it. No torch, no ROS.
"""

from __future__ import annotations

import re
import threading
import time
from typing import List, Optional, Tuple

# Chinese and Japanese characters: each one a word (no spaces between them).
CJK_CHARS = "\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff"
WORD = re.compile(rf"[{CJK_CHARS}][^\w\s]*\s*|[^\s{CJK_CHARS}]+\s*")

WordTimes = List[Tuple[str, float, float]]
"""(word, start, end) in seconds from the chunk's start."""


def word_times(text: str, seconds: float) -> WordTimes:
    """Spread ``seconds`` of audio over the words of ``text`` by their UTF-8 bytes."""
    pieces = WORD.findall(text)
    total = sum(len(piece.encode("utf-8")) for piece in pieces)
    times, start = [], 0.0
    for piece in pieces:
        end = start + seconds * len(piece.encode("utf-8")) / total
        times.append((piece.strip(), start, end))
        start = end
    return times


class Progress:
    """The words of the chunk being heard, from when it started; thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self._started = 0.0
        self._words: WordTimes = []

    def chunk_started(self, text: str, seconds: float, at: Optional[float] = None) -> None:
        """Note that a chunk of ``seconds`` saying ``text`` starts to be heard now (or ``at``)."""
        with self._lock:
            self._started = time.monotonic() if at is None else at
            self._words = word_times(text, seconds)

    def stopped(self) -> None:
        """Nothing is heard any more."""
        with self._lock:
            self._words = []

    def word_at(self, now: Optional[float] = None) -> str:
        """Return the word heard at ``now`` ("" between chunks, or when nothing is heard)."""
        with self._lock:
            offset = (time.monotonic() if now is None else now) - self._started
            for word, start, end in self._words:
                if start <= offset < end:
                    return word
            return ""
