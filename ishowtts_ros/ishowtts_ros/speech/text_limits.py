# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Bounding what one message may ask the robot to say."""

from __future__ import annotations

import re
from typing import Tuple

# ASCII sentence ends are followed by a space; Chinese ones by the next character.
SENTENCE_END = re.compile(r"[.!?](?=\s|$)|[。！？]")


def limit_text(text: str, max_chars: int) -> Tuple[str, bool]:
    """Cut ``text`` to at most ``max_chars`` at the last sentence end (else the last space).

    Returns the text and whether it was cut.
    """
    if len(text) <= max_chars:
        return text, False
    head = text[:max_chars]
    ends = [m.end() for m in SENTENCE_END.finditer(head)]
    if ends:
        return head[: ends[-1]], True
    space = head.rfind(" ")
    return (head[:space] if space > 0 else head), True
