# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""From a robot's text to the chunks the model reads (no torch, no model).

Words for numbers and symbols (:mod:`.normalize`), then reduction to what the vocab can
say and upstream's chunking (:mod:`.text`), with the byte budget of the voice's reference.
``ishowtts-say --print-text`` shows the result without loading the model.
"""

from __future__ import annotations

from typing import Dict, List, Sequence

from ishowtts_ros.engine.config import DEFAULT_BUCKETS
from ishowtts_ros.engine.normalize import TextNormalizer
from ishowtts_ros.engine.text import MAX_CONTEXT_SECONDS, chunk_text, fit_to_vocab, max_chunk_bytes

# Room for the duration rule's rounding (a frame or two), as wide as the fixed bound it
# replaced: 27 s in the default buckets' 27.3 s.
BUCKET_MARGIN_SECONDS = 0.3
SHORT_CHUNK_BYTES = 10
SHORT_CHUNK_SPEED = 0.3  # upstream slows chunks under 10 bytes down, or they come out rushed


def clause_context_seconds(buckets: Sequence[int], hop_length: int, sample_rate: int) -> float:
    """Seconds of reference plus chunk the largest bucket holds (the default buckets' if none).

    A longer sequence would run eager, past every compiled length.
    """
    return max(buckets or DEFAULT_BUCKETS) * hop_length / sample_rate - BUCKET_MARGIN_SECONDS


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
    context_seconds: float,
) -> List[str]:
    """Split ``text`` into chunks, as upstream would chunk its words for this reference.

    ``ref_text`` is the reference text as upstream's preprocessing leaves it,
    ``ref_seconds`` the prepared clip's length, ``speed`` the call's times the voice's.
    Reference plus chunk stay within ``context_seconds`` (see :func:`clause_context_seconds`):
    a longer clause is split between words, and chunks join clauses up to upstream's
    :data:`~.text.MAX_CONTEXT_SECONDS` only where that is shorter.
    """
    text = fit_to_vocab(words_for(text, normalizer, settings), vocab)
    context = min(MAX_CONTEXT_SECONDS, context_seconds)
    budget = max_chunk_bytes(ref_text, ref_seconds, speed, context)
    clause_bound = max_chunk_bytes(ref_text, ref_seconds, speed, context_seconds)
    return chunk_text(text, budget, first_chunk_max_bytes, clause_bound)


def generated_frames(chunk: str, ref_text: str, ref_frames: int, speed: float) -> int:
    """Frames upstream generates for ``chunk`` after a reference of ``ref_frames``.

    ``ref_text`` is the reference text as the model reads it; the rate of its bytes sets
    the chunk's (upstream's ``infer_batch_process``).
    """
    gen_bytes = len(chunk.encode("utf-8"))
    local_speed = SHORT_CHUNK_SPEED if gen_bytes < SHORT_CHUNK_BYTES else speed
    return int(ref_frames / len(ref_text.encode("utf-8")) * gen_bytes / local_speed)
