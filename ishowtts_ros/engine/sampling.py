# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Flow-matching sampling: upstream ``CFM.sample`` as an explicit Euler loop.

Same timesteps (EPSS for the NFEs it defines, uniform otherwise, then sway), same
noise for a given seed, conditional and unconditional passes in one batched forward,
one forward per step. Owning the loop lets synthesis stop between steps.

Shapes: b = 1 (batch), n = frames (reference + generated), d = mel bins (100),
nt = text tokens.
"""

from __future__ import annotations

import threading
from typing import Optional

import torch
from f5_tts.model.utils import get_epss_timesteps

from ishowtts_ros.engine.errors import SynthesisCancelled


def timesteps(nfe_step: int, sway_sampling_coef: float, device, dtype) -> torch.Tensor:
    """``nfe_step + 1`` times from 0 to 1: EPSS or uniform, bent by sway sampling."""
    t = get_epss_timesteps(nfe_step, device=device, dtype=dtype)
    return t + sway_sampling_coef * (torch.cos(torch.pi / 2 * t) - 1 + t)


def initial_noise(frames: int, channels: int, seed: int, device, dtype) -> torch.Tensor:
    """Draw ``[1, frames, channels]`` Gaussian noise as upstream's seeded ``torch.randn``.

    The values equal ``torch.manual_seed(seed); torch.randn(...)``, without touching
    the global RNG.
    """
    generator = torch.Generator(device=device)
    generator.manual_seed(seed)
    return torch.randn(
        frames, channels, generator=generator, device=device, dtype=dtype
    ).unsqueeze(0)


@torch.inference_mode()
def sample_mel(
    transformer: torch.nn.Module,
    cond: torch.Tensor,
    text: torch.Tensor,
    duration: int,
    *,
    nfe_step: int,
    cfg_strength: float,
    sway_sampling_coef: float,
    seed: int,
    cancel: Optional[threading.Event] = None,
) -> torch.Tensor:
    """Generate a ``[1, duration, d]`` mel whose first frames are the reference ``cond [1, n, d]``.

    ``text [1, nt]`` holds token ids of reference text + text to speak (-1 = padding).
    """
    ref_frames = cond.shape[1]
    cond = torch.nn.functional.pad(cond, (0, 0, 0, duration - ref_frames))
    cond_mask = (torch.arange(duration, device=cond.device) < ref_frames)[None, :, None]
    y = initial_noise(duration, cond.shape[-1], seed, cond.device, cond.dtype)
    t = timesteps(nfe_step, sway_sampling_coef, cond.device, cond.dtype)
    try:
        for step in range(nfe_step):
            if cancel is not None and cancel.is_set():
                raise SynthesisCancelled("synthesis stopped")
            y = y + (t[step + 1] - t[step]) * _velocity(
                transformer, y, cond, text, t[step], cfg_strength
            )
    finally:
        transformer.clear_cache()  # the text embedding is cached per utterance
    return torch.where(cond_mask, cond, y)


def _velocity(transformer, x, cond, text, time, cfg_strength: float) -> torch.Tensor:
    if cfg_strength < 1e-5:  # upstream skips the unconditional pass entirely
        return transformer(
            x=x,
            cond=cond,
            text=text,
            time=time,
            mask=None,
            drop_audio_cond=False,
            drop_text=False,
            cache=True,
        )
    both = transformer(x=x, cond=cond, text=text, time=time, mask=None, cfg_infer=True, cache=True)
    pred, null_pred = torch.chunk(both, 2, dim=0)
    return pred + (pred - null_pred) * cfg_strength
