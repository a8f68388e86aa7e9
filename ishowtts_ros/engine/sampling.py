# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Flow-matching sampling: upstream ``CFM.sample`` as an explicit Euler loop.

Same timesteps (EPSS for the NFEs it defines, uniform otherwise, then sway), same
noise for a given seed, conditional and unconditional passes in one batched forward,
one forward per step. Owning the loop lets synthesis stop between steps, and lets a
compiled model run on padded, fixed-size sequences.

Shapes: b = 1 (batch), n = frames (reference + generated), d = mel bins (100),
nt = text tokens.
"""

from __future__ import annotations

import functools
import logging
import threading
from typing import Optional, Sequence

import torch
from f5_tts.model.utils import get_epss_timesteps

from ishowtts_ros.engine import dit_step
from ishowtts_ros.engine.errors import SynthesisCancelled

LOG = logging.getLogger(__name__)


def timesteps(nfe_step: int, sway_sampling_coef: float, device, dtype) -> torch.Tensor:
    """Return ``nfe_step + 1`` times from 0 to 1: EPSS or uniform, bent by sway sampling."""
    t = get_epss_timesteps(nfe_step, device=device, dtype=dtype)
    return t + sway_sampling_coef * (torch.cos(torch.pi / 2 * t) - 1 + t)


def initial_noise(frames: int, channels: int, noise: torch.Generator, dtype) -> torch.Tensor:
    """Draw ``[1, frames, channels]`` Gaussian noise as upstream's ``CFM.sample`` does.

    Upstream draws ``torch.randn(frames, channels)`` on the model's device in the model's
    dtype from the global generator; drawing the same from ``noise``, seeded with the
    same seed, gives the same values without touching the global generator.
    """
    return torch.randn(
        frames, channels, generator=noise, device=noise.device, dtype=dtype
    ).unsqueeze(0)


class FlowSampler:
    """Integrates the flow from noise to mel with F5's transformer.

    Eager (``compile_mode`` None): upstream's own ``forward``, exactly as ``CFM.sample``
    calls it. Compiled: the padded, masked step of :mod:`dit_step`, on sequences padded to
    the next of ``buckets`` so that every length reuses a compiled graph. A backbone the
    padded step does not cover runs eager.
    """

    def __init__(
        self, transformer, buckets: Sequence[int] = (), compile_mode: Optional[str] = None
    ):
        self.transformer = transformer
        unsupported = dit_step.unsupported_reason(transformer) if compile_mode else None
        if unsupported:
            LOG.info("the transformer runs eager, not compiled: %s", unsupported)
            compile_mode = None
        self.compile_mode = compile_mode
        self.buckets = sorted(buckets) if compile_mode else []
        guided = functools.partial(dit_step.guided_velocity, transformer)
        conditional = functools.partial(dit_step.conditional_velocity, transformer)
        if compile_mode is not None:
            dit_step.enable_attention_masks(transformer)
            # Static shapes per bucket; without buckets let dynamo generalise lengths.
            dynamic = False if self.buckets else None
            guided = torch.compile(guided, mode=compile_mode, dynamic=dynamic)
            conditional = torch.compile(conditional, mode=compile_mode, dynamic=dynamic)
        self._guided, self._conditional = guided, conditional

    def padded_length(self, frames: int) -> int:
        """Return the bucket a sequence of ``frames`` runs in (itself when none fits)."""
        for bucket in self.buckets:
            if bucket >= frames:
                return bucket
        if self.buckets:
            LOG.warning(
                "%d frames exceed the largest bucket %d: compiling for this length",
                frames,
                self.buckets[-1],
            )
        return frames

    @torch.inference_mode()
    def sample(
        self,
        cond: torch.Tensor,
        text: torch.Tensor,
        duration: int,
        *,
        nfe_step: int,
        cfg_strength: float,
        sway_sampling_coef: float,
        noise: torch.Generator,
        noise_dtype: Optional[torch.dtype] = None,
        cfg_steps: int = -1,
        cancel: Optional[threading.Event] = None,
    ) -> torch.Tensor:
        """Generate ``[1, duration, d]`` whose first frames are the reference ``cond [1, n, d]``.

        ``text [1, nt]`` holds token ids of reference text + text to speak; the initial
        noise is drawn from ``noise`` in ``noise_dtype`` (default: ``cond``'s). Guidance
        is applied on the first ``cfg_steps`` steps (all when -1).
        """
        ref_frames = cond.shape[1]
        length = self.padded_length(duration) if self.compile_mode else duration
        cond = torch.nn.functional.pad(cond, (0, 0, 0, length - ref_frames))
        y = initial_noise(duration, cond.shape[-1], noise, noise_dtype or cond.dtype)
        y = y.to(cond.dtype)
        y = torch.nn.functional.pad(y, (0, 0, 0, length - duration))
        t = timesteps(nfe_step, sway_sampling_coef, cond.device, cond.dtype)
        velocity = self._velocity_fn(cond, text, duration, length, cfg_strength)
        guided_steps = nfe_step if cfg_steps < 0 else cfg_steps
        try:
            for step in range(nfe_step):
                if cancel is not None and cancel.is_set():
                    raise SynthesisCancelled("synthesis stopped")
                v = velocity(y, t[step], guided=step < guided_steps and cfg_strength >= 1e-5)
                y = y + (t[step + 1] - t[step]) * v
        finally:
            self.transformer.clear_cache()  # upstream's per-utterance text cache
        cond_mask = (torch.arange(duration, device=cond.device) < ref_frames)[None, :, None]
        return torch.where(cond_mask, cond[:, :duration], y[:, :duration])

    def _velocity_fn(self, cond, text, duration: int, length: int, cfg_strength: float):
        """Bind everything but the state and time, for the eager or the padded path."""
        if self.compile_mode is None:

            def eager(x, time, guided):
                if not guided:
                    return self.transformer(
                        x=x,
                        cond=cond,
                        text=text,
                        time=time,
                        mask=None,
                        drop_audio_cond=False,
                        drop_text=False,
                        cache=True,
                    )
                both = self.transformer(
                    x=x, cond=cond, text=text, time=time, mask=None, cfg_infer=True, cache=True
                )
                pred, null_pred = torch.chunk(both, 2, dim=0)
                return pred + (pred - null_pred) * cfg_strength

            return eager

        mask = (torch.arange(length, device=cond.device) < duration)[None, :]
        text_cond, text_uncond = dit_step.text_embeddings(self.transformer, text, duration, length)
        # A tensor, not a float: a compiled graph would be specialised on a float's value.
        strength = torch.tensor(cfg_strength, device=cond.device)

        def padded(x, time, guided):
            if guided:
                return self._guided(x, cond, text_cond, text_uncond, time, mask, strength)
            return self._conditional(x, cond, text_cond, time, mask)

        return padded

    def warm_up(self, mel_bins: int, device, dtype) -> None:
        """Compile both passes (guided and conditional) for every bucket.

        Runtime settings (nfe_step, cfg_strength, cfg_steps, sway, speed, seed) only
        choose among these passes and change tensor values, so none of them compiles
        on a text.
        """
        if self.compile_mode is None:
            return
        text = torch.zeros(1, 8, dtype=torch.long, device=device)
        repeats = (
            2 if self.compile_mode == "reduce-overhead" else 1
        )  # CUDA graphs record on call 2
        for length in self.buckets:
            cond = torch.zeros(1, length // 2, mel_bins, device=device, dtype=dtype)
            for _ in range(repeats):
                self.sample(
                    cond,
                    text,
                    length,
                    nfe_step=2,
                    cfg_strength=2.0,
                    sway_sampling_coef=-1.0,
                    noise=torch.Generator(device).manual_seed(0),
                    cfg_steps=1,  # step 0 guided, step 1 conditional
                )
