# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""A reply that arrives piece by piece, as a language model writes it, said sentence by sentence.

Pieces (partial words included) are joined as they come. pysbd, a rule-based sentence
boundary detector (abbreviations, decimals, money, URLs, Chinese punctuation), finds the
sentences; a sentence is complete once more text follows it, or the reply has ended
(an empty piece, or no new piece for ``idle_s``). The first text handed out is the first
complete sentence, so that speech starts early; later ones are every sentence complete
by then, so that the engine gets full chunks. A sentence that runs on without an end is
handed out at its last clause boundary once it is long.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from typing import List, Optional

LOG = logging.getLogger(__name__)
# A sentence longer than this, with no end yet, is said up to its last clause boundary.
LONG_SENTENCE_CHARS = 200
CLAUSE_END = re.compile(r"[,;:，；：、]\s*")
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

    def __init__(self, idle_s: float, max_chars: int):
        self.idle_s = idle_s
        self.max_chars = max_chars
        self.cut = False
        """Pieces past ``max_chars`` were left out."""
        self._pending = ""  # received, not handed out yet
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
                return True
            room = self.max_chars - self._received
            if len(piece) > room:
                if not self.cut:
                    LOG.warning(
                        "streamed reply over max_chars=%d: the rest is cut", self.max_chars
                    )
                piece, self.cut = piece[: max(0, room)], True
            self._pending += piece
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
                last_start = ends[-2] if len(ends) > 1 else 0
                ends.pop()  # the last sentence may still grow
                if not ends and len(self._pending) - last_start > LONG_SENTENCE_CHARS:
                    ends = _clause_end(self._pending)
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


def _clause_end(sentence: str) -> List[int]:
    """Where a long unended sentence may be cut: its last clause boundary ([]: none)."""
    ends = [match.end() for match in CLAUSE_END.finditer(sentence)]
    return ends[-1:]
