# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""A reply that arrives piece by piece, as a language model writes it, said sentence by sentence.

Pieces (partial words included) are joined as they come. pysbd, a rule-based sentence
boundary detector (abbreviations, decimals, money, URLs, Chinese punctuation), finds the
sentences; a sentence is complete once more text follows it, or the reply has ended
(an empty piece, or no new piece for ``idle_s``). The first text handed out is the first
complete sentence, so that speech starts early; later ones are every sentence complete
by then, so that the engine gets full chunks. A sentence that runs on without an end is
handed out once it is longer than the first chunk holds (later: :data:`LONG_SENTENCE_BYTES`),
at its last clause mark, else at its last word (or, in Chinese, character) boundary, so
that first audio never waits for the whole reply. A clause mark counts only before a space
(or a full-width one anywhere): "12,345" and "10:30" are never cut, however they arrive.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from typing import List, Optional

from ishowtts_ros.speech.progress import CJK_CHARS

LOG = logging.getLogger(__name__)
# A later sentence longer than this (UTF-8 bytes), with no end yet, is said up to a boundary.
LONG_SENTENCE_BYTES = 200
CLAUSE_END = re.compile(r"[,;:](?=\s)\s*|[，；：、]\s*")
CJK = re.compile(f"[{CJK_CHARS}]")
ASCII_ENDS = ".?!"
CLOSERS = "\"')]}」』”’）》】"


def sentence_ends(text: str) -> List[int]:
    """Offsets in ``text`` where its sentences end (the last one: ``len(text)``)."""
    ends: List[int] = []
    for span in _segmenter().segment(text):
        if ends and _continues(text, ends[-1], span.start):
            ends[-1] = span.end
        else:
            ends.append(span.end)
    if ends:
        ends[-1] = len(text)
    return ends


def _continues(text: str, end: int, start: int) -> bool:
    """Glue back what pysbd splits: before a closing quote, and inside a URL at "?"."""
    following = text[start : start + 1]
    if following in CLOSERS:
        return True
    # "?" or "." with no space after it ends no sentence (docs?page=2, x.y).
    return text[start - 1 : start] in ASCII_ENDS and not following.isspace()


_SEGMENTER = threading.local()


def _segmenter():
    """One pysbd segmenter per thread (it keeps state while it segments)."""
    import pysbd

    if not hasattr(_SEGMENTER, "value"):
        _SEGMENTER.value = pysbd.Segmenter(language="en", clean=False, char_span=True)
    return _SEGMENTER.value


class ReplyStream:
    """One reply: pieces in (:meth:`add`), texts to say out (:meth:`take`), thread-safe."""

    def __init__(self, idle_s: float, max_chars: int, first_bytes: int = LONG_SENTENCE_BYTES):
        """``first_bytes``: what the engine's first chunk holds (0: no short first chunk)."""
        self.idle_s = idle_s
        self.max_chars = max_chars
        self.first_bytes = first_bytes or LONG_SENTENCE_BYTES
        self.cut = False
        """Pieces past ``max_chars`` were left out."""
        self.swallowed = 0
        """Pieces that arrived after the reply was stopped."""
        self._pending = ""  # received, not handed out yet
        self._text = ""  # received and kept: the reply so far
        self._received = 0
        self._last_piece = time.monotonic()
        self._ended = False
        self._abandoned = False
        self._handed_out = False
        self._cond = threading.Condition()

    def add(self, piece: str) -> bool:
        """Append a piece; False when this reply is over already (start another one)."""
        with self._cond:
            if self._over():
                return False
            if self._abandoned:  # a stopped or dropped reply: its later pieces go too
                self._last_piece = time.monotonic()
                self.swallowed += 1
                return True
            if self.cut:
                return True
            room = self.max_chars - self._received
            if len(piece) > room:
                LOG.warning("streamed reply over max_chars=%d: the rest is cut", self.max_chars)
                room = max(0, room)
                inside_word = 0 < room and not (piece[room - 1].isspace() or piece[room].isspace())
                piece, self.cut = piece[:room], True
                if inside_word:  # never cut a word in two
                    self._text = _to_word_boundary(self._text + piece)
                    piece, self._pending = "", _to_word_boundary(self._pending + piece)
            self._pending += piece
            self._text += piece
            self._received += len(piece)
            self._last_piece = time.monotonic()
            self._cond.notify_all()
            return True

    def abandon(self) -> None:
        """Leave the later pieces unsaid: the reply was stopped or dropped."""
        with self._cond:
            self._abandoned = True
            self._pending = ""
            self._cond.notify_all()

    def end(self) -> None:
        """End the reply: what is left is said too."""
        with self._cond:
            self._ended = True
            self._cond.notify_all()

    @property
    def text(self) -> str:
        """The reply as received so far (within ``max_chars``)."""
        with self._cond:
            return self._text

    @property
    def over(self) -> bool:
        """Ended, or idle for ``idle_s``: no more pieces belong to it."""
        with self._cond:
            return self._over()

    def take(self) -> Optional[str]:
        """Return the next text to say: "" when none is complete yet, None when over."""
        with self._cond:
            if self._abandoned:
                return None
            over = self._over()
            self._pending = self._pending.lstrip()
            ends = sentence_ends(self._pending) if self._pending else []
            if not over and ends:
                ends.pop()  # the last sentence may still grow
                if not ends:
                    limit = LONG_SENTENCE_BYTES if self._handed_out else self.first_bytes
                    ends = _run_on_end(self._pending, limit)
            if not ends:
                if over:
                    self._pending = ""
                    return None
                return ""
            end = ends[-1] if over or self._handed_out else ends[0]
            text, self._pending = self._pending[:end], self._pending[end:]
            self._handed_out = True
            return text.strip()

    def wait(self, timeout: float) -> None:
        """Wait for a new piece, the end, or ``timeout``, whichever comes first."""
        with self._cond:
            self._cond.wait(min(timeout, max(0.0, self._idle_at() - time.monotonic())))

    def _over(self) -> bool:
        return self._ended or time.monotonic() >= self._idle_at()

    def _idle_at(self) -> float:
        return self._last_piece + self.idle_s


def _run_on_end(sentence: str, limit: int) -> List[int]:
    """Where a sentence with no end yet is cut once over ``limit`` bytes ([]: not yet).

    Its last clause mark, else its last word boundary (the last word may still grow),
    else its last boundary between two Chinese or Japanese characters.
    """
    if len(sentence.encode("utf-8")) <= limit:
        return []
    for ends in (
        [match.end() for match in CLAUSE_END.finditer(sentence)],
        [match.start() for match in re.finditer(r"\s+", sentence) if match.start() > 0],
        [
            i
            for i in range(1, len(sentence))
            if CJK.match(sentence[i - 1]) and CJK.match(sentence[i])
        ],
    ):
        if ends:
            return ends[-1:]
    return []


def _to_word_boundary(text: str) -> str:
    """``text`` without its last, unfinished word (Chinese: cut anywhere)."""
    if CJK.match(text[-1:]):
        return text
    head, space, _ = text.rstrip().rpartition(" ")
    return head + space if space else ""
