# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Vocos decoding in the model's dtype, optionally compiled once for every length.

The backbone runs in the model's dtype, so an fp16 mel goes in without a round trip
through fp32; only the ISTFT head runs in fp32 (complex half FFTs are not supported
everywhere). At fp32 this is exactly ``Vocos.decode``. The compiled decoder uses dynamic
shapes and no CUDA graphs: its input length changes with every text.

Shapes: ``mel`` [1, d, n] (d = 100 bins, n frames); wave [1, n * hop].
"""

from __future__ import annotations

from typing import Optional

import torch

from ishowtts_ros.engine.compiled import (
    CompileHealth,
    compile_function,
    graph_count,
    no_new_graphs,
)

# Vocos' first convolution specialises below/above ~205 frames; warming up on both sides
# leaves one dynamic graph that serves every length.
WARMUP_FRAMES = (64, 1024)


def decode(vocos: torch.nn.Module, mel: torch.Tensor) -> torch.Tensor:
    return vocos.head(vocos.backbone(mel).float())


class VocoderDecoder:
    """Turns generated mels into waves."""

    def __init__(
        self,
        vocos: torch.nn.Module,
        dtype: torch.dtype,
        compile_mode: Optional[str],
        health: Optional[CompileHealth] = None,
    ):
        self.vocos = vocos
        self.dtype = dtype
        self.compile_mode = compile_mode
        self.health = health or CompileHealth()
        vocos.backbone.to(dtype)
        vocos.head.float()
        self._compiled = None
        if compile_mode is not None:
            self._compiled = compile_function(decode, "vocos_decode", compile_mode, dynamic=True)
        self.compiled = False
        """Compiled and warmed: texts are decoded by the compiled function."""
        self.fell_back = False
        """The compiled function failed on a text: eager from then on, never compiled."""

    @torch.inference_mode()
    def __call__(self, mel: torch.Tensor) -> torch.Tensor:
        """Decode ``[1, d, n]`` (any float dtype) to a float32 wave ``[1, n * hop]``."""
        mel = mel.to(self.dtype).contiguous()  # one layout: one compiled graph
        if self.compiled:
            try:
                with no_new_graphs():
                    return self._compiled(self.vocos, mel)
            except Exception as exc:  # decode eagerly rather than fall silent
                self.compiled, self.fell_back = False, True
                self.health.fell_back("vocoder", exc)
        return decode(self.vocos, mel)

    @torch.inference_mode()  # as at run time: guards check for inference tensors
    def compile(self, device: torch.device, mel_bins: int) -> None:
        """Compile for short and long inputs before the first request."""
        for frames in WARMUP_FRAMES:
            mel = torch.zeros(1, mel_bins, frames, device=device, dtype=self.dtype)
            self._compiled(self.vocos, mel)
        self.compiled = True

    def graph_count(self) -> Optional[int]:
        return graph_count(self._compiled) if self._compiled is not None else 0
