# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""From a robot's text to the chunks the model reads (no torch, no model).

Words for numbers and symbols (:mod:`.normalize`), then reduction to what the vocab can
say and upstream's chunking (:mod:`.text`), with the byte budget of the voice's reference.
``ishowtts-say --print-text`` shows the result without loading the model.
"""

from __future__ import annotations

from typing import Dict, List

from ishowtts_ros.engine.normalize import TextNormalizer
from ishowtts_ros.engine.text import (
    MAX_CLAUSE_CONTEXT_SECONDS,
    chunk_text,
    max_chunk_bytes,
    normalise_text,
)


def words_for(text: str, normalizer: TextNormalizer, settings) -> str:
    """Numbers, units and symbols as words, when ``settings.normalize_text`` asks for it."""
    return normalizer(text, settings.language) if settings.normalize_text else text


def text_chunks(
    text: str,
    vocab: Dict[str, int],
    normalizer: TextNormalizer,
    settings,
    ref_text: str,
    ref_seconds: float,
    speed: float,
    first_chunk_max_bytes: int,
) -> List[str]:
    """Split ``text`` into chunks, as upstream would chunk its words for this reference.

    ``ref_text`` is the reference text as upstream's preprocessing leaves it,
    ``ref_seconds`` the prepared clip's length, ``speed`` the call's times the voice's.
    """
    text = normalise_text(words_for(text, normalizer, settings), vocab)
    budget = max_chunk_bytes(ref_text, ref_seconds, speed)
    clause_bound = max_chunk_bytes(ref_text, ref_seconds, speed, MAX_CLAUSE_CONTEXT_SECONDS)
    return chunk_text(text, budget, first_chunk_max_bytes, clause_bound)
