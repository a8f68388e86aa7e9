# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Chunk waves joined into one utterance, as upstream's ``infer_batch_process`` joins them.

A linear cross-fade of ``fade`` samples (less where a wave is shorter), streamed: each
wave's end is held back until the next one fades into it.

Shapes: waves ``[nw]`` float32.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np


@dataclass
class AudioChunk:
    """Speech for one text chunk: float32 mono samples in [-1, 1]."""

    samples: np.ndarray
    sample_rate: int
    text: str
    index: int = 0
    is_last: bool = True
    synthesis_s: float = 0.0
    """Wall time spent producing this chunk."""
    from_cache: bool = False
    """Said before: taken from the phrase cache, not synthesised."""

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.sample_rate


class CrossFade:
    """Takes an utterance's waves in order; returns what may be played of each at once."""

    def __init__(self, fade: int):
        self.fade = fade
        self.joined = 0
        """Samples of the utterance so far, the held-back tail included."""
        self._held = np.zeros(0, dtype=np.float32)

    def add(self, wave: np.ndarray, is_last: bool) -> np.ndarray:
        """Join ``wave`` on; return the samples to emit, holding the next fade's back."""
        held = self._held
        overlap = _overlap(self.fade, self.joined, len(wave))
        if overlap:
            mixed = held[-overlap:] * np.linspace(1, 0, overlap) + wave[:overlap] * np.linspace(
                0, 1, overlap
            )
            wave = np.concatenate([held[:-overlap], mixed.astype(np.float32), wave[overlap:]])
        else:
            wave = np.concatenate([held, wave])
        self.joined += len(wave) - len(held)
        keep = 0 if is_last else min(self.fade, self.joined)
        self._held = wave[len(wave) - keep :]
        return wave[: len(wave) - keep]


def joined_length(lengths: Iterable[int], fade: int) -> int:
    """Count the samples waves of these lengths make joined (what :class:`CrossFade` emits)."""
    joined = 0
    for length in lengths:
        joined += length - _overlap(fade, joined, length)
    return joined


def _overlap(fade: int, joined: int, length: int) -> int:
    # The fade, unless the utterance so far or the new wave is shorter.
    return min(fade, joined, length)
