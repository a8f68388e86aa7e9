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
from typing import List, NamedTuple, Optional, Tuple

# Chinese and Japanese characters: each one a word (no spaces between them).
CJK_CHARS = "\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff"
WORD = re.compile(rf"[{CJK_CHARS}][^\w\s]*\s*|[^\s{CJK_CHARS}]+\s*")

WordTimes = List[Tuple[str, float, float]]
"""(word, start, end) in seconds from the chunk's start."""


class WordHeard(NamedTuple):
    """The word heard now."""

    word: str
    index: int
    """Its place among the utterance's words."""
    position_s: float
    """Where it starts in the utterance's audio."""
    since_s: float
    """How long ago it started."""


SILENCE = WordHeard("", 0, 0.0, 0.0)


def words_of(text: str) -> List[str]:
    """Split ``text`` into the words progress counts (a CJK character is one)."""
    return [piece.strip() for piece in WORD.findall(text)]


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
    """The words of the utterance being heard, chunk by chunk as each starts; thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self._owner: object = None
        self._chunks: List[Tuple[float, WordTimes]] = []  # when each started, and its words
        self._silent = True

    def chunk_started(
        self, owner: object, text: str, seconds: float, at: Optional[float] = None
    ) -> None:
        """Note that a chunk of ``owner`` saying ``text`` is heard from now (or ``at``)."""
        with self._lock:
            if owner is not self._owner:  # another utterance: its words alone from here on
                self._owner, self._chunks = owner, []
            self._chunks.append(
                (time.monotonic() if at is None else at, word_times(text, seconds))
            )
            self._silent = False

    def stopped(self) -> None:
        """Nothing is heard any more."""
        with self._lock:
            self._silent = True

    def word_at(self, now: Optional[float] = None) -> WordHeard:
        """Return the word heard at ``now`` (``SILENCE`` between chunks, or when none is)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            if self._silent or not self._chunks:
                return SILENCE
            index, position = 0, 0.0
            for _, chunk in self._chunks[:-1]:
                index += len(chunk)
                position += chunk[-1][2] if chunk else 0.0
            started, words = self._chunks[-1]
            for offset, (word, start, end) in enumerate(words):
                if start <= now - started < end:
                    return WordHeard(word, index + offset, position + start, now - started - start)
            return SILENCE

    def heard(self, now: Optional[float] = None, owner: object = None) -> Tuple[List[str], float]:
        """Return the words of the utterance heard whole by ``now``, and its seconds heard.

        Nothing ([], 0) when nothing is being heard, or ``owner`` (if given) is not the
        utterance being heard.
        """
        now = time.monotonic() if now is None else now
        words: List[str] = []
        seconds = 0.0
        with self._lock:
            if self._silent or (owner is not None and owner is not self._owner):
                return [], 0.0
            for started, chunk in self._chunks:
                words += [word for word, _, end in chunk if started + end <= now]
                if chunk:
                    seconds += min(max(0.0, now - started), chunk[-1][2])
        return words, seconds
