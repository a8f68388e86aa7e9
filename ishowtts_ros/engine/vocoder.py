# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Vocos decoding in the model's dtype, optionally compiled for every length at once.

The backbone runs in the model's dtype, so an fp16 mel goes in without a round trip
through fp32; only the ISTFT head runs in fp32 (complex half FFTs are not supported
everywhere). At fp32 this is exactly ``Vocos.decode``.

Shapes: ``mel`` [1, d, n] (d = 100 bins, n frames); wave [1, n * hop].
"""

from __future__ import annotations

from typing import Optional

import torch

# Vocos' first convolution specialises below/above ~205 frames; warming up on both sides
# leaves one dynamic graph that serves every length.
WARMUP_FRAMES = (64, 1024)


class VocoderDecoder:
    """Turns generated mels into waves."""

    def __init__(self, vocos: torch.nn.Module, dtype: torch.dtype, compile_mode: Optional[str]):
        self.vocos = vocos
        self.dtype = dtype
        vocos.backbone.to(dtype)
        vocos.head.float()
        self._decode = self._eager
        if compile_mode is not None:
            self._decode = torch.compile(self._eager, mode=compile_mode, dynamic=True)

    def _eager(self, mel: torch.Tensor) -> torch.Tensor:
        return self.vocos.head(self.vocos.backbone(mel).float())

    @torch.inference_mode()
    def __call__(self, mel: torch.Tensor) -> torch.Tensor:
        """Decode ``[1, d, n]`` (any float dtype) to a float32 wave ``[1, n * hop]``."""
        return self._decode(mel.to(self.dtype).contiguous())  # one layout: one compiled graph

    @torch.inference_mode()  # as at run time: guards check for inference tensors
    def warm_up(self, device: torch.device, mel_bins: int) -> None:
        """Compile for short and long inputs before the first request."""
        for frames in WARMUP_FRAMES:
            self(torch.zeros(1, mel_bins, frames, device=device))
