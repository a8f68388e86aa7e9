# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""One chunk through the model: tokens to the device, the flow, the vocoder, to the host.

Shapes: the voice's mel ``[1, n, d]``; a generated mel ``[1, d, n]``; a wave ``[nw]``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable, ContextManager, Dict, Optional

import numpy as np
import torch

from ishowtts_ros.engine.config import SynthesisSettings
from ishowtts_ros.engine.optimize import Runtime
from ishowtts_ros.engine.planning import ChunkPlan
from ishowtts_ros.engine.voices import Voice


@dataclass
class ModelCall:
    """Runs a planned chunk on ``runtime``; ``phase`` times each step.

    Both steps belong inside ``runtime.io.stream_context()`` (the synthesis stream).
    """

    runtime: Runtime
    vocab: Dict[str, int]
    target_rms: float
    phase: Callable[[str], ContextManager]

    def mel(
        self,
        voice: Voice,
        plan: ChunkPlan,
        settings: SynthesisSettings,
        generator: torch.Generator,
        noise_dtype: torch.dtype,
        cancel: Optional[threading.Event] = None,
    ) -> torch.Tensor:
        """Integrate the flow for one chunk; return its generated mel ``[1, d, n]``."""
        with self.phase("tokens"):
            text = self.runtime.io.tokens([self.vocab.get(token, 0) for token in plan.tokens])
        self.runtime.compile_for(plan.duration)
        with self.phase("steps"):
            mel = self.runtime.sampler.sample(
                voice.mel,
                text,
                plan.duration,
                nfe_step=settings.nfe_step,
                cfg_strength=settings.cfg_strength,
                sway_sampling_coef=settings.sway_sampling_coef,
                generator=generator,
                noise_dtype=noise_dtype,
                cfg_steps=settings.cfg_steps,
                cancel=cancel,
            )
        return mel[:, plan.ref_frames :, :].permute(0, 2, 1)

    def wave(self, voice: Voice, mel: torch.Tensor) -> np.ndarray:
        """Return the wave of a generated ``mel`` on the host, at the voice's loudness."""
        with self.phase("vocoder"):
            wave = self.runtime.decoder(mel)[0]
        with self.phase("copy out"):
            source_rms = voice.reference.source_rms
            if source_rms < self.target_rms:  # give the voice back its own loudness
                wave = wave * (source_rms / self.target_rms)
            return self.runtime.io.to_numpy(wave)
