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

import logging
import threading
from typing import Callable, Dict, List, Optional, Sequence, Set, Tuple

import torch
from f5_tts.model.utils import get_epss_timesteps

from ishowtts_ros.engine import dit_step
from ishowtts_ros.engine.compiled import (
    CompileHealth,
    compile_function,
    graph_count,
    mark_cuda_graph_step,
    no_new_graphs,
    uses_cuda_graphs,
)
from ishowtts_ros.engine.errors import SynthesisCancelled

LOG = logging.getLogger(__name__)
# Calls of each pass at warm-up: CUDA graph trees run a new graph once to warm up, record
# it on the next call, and replay it from then on.
WARMUP_CALLS = 3


def timesteps(nfe_step: int, sway_sampling_coef: float, device, dtype) -> torch.Tensor:
    """Return ``nfe_step + 1`` times from 0 to 1: EPSS or uniform, bent by sway sampling."""
    t = get_epss_timesteps(nfe_step, device=device, dtype=dtype)
    return t + sway_sampling_coef * (torch.cos(torch.pi / 2 * t) - 1 + t)


def initial_noise(frames: int, channels: int, generator: torch.Generator, dtype) -> torch.Tensor:
    """Draw ``[1, frames, channels]`` Gaussian noise as upstream's ``CFM.sample`` does.

    Upstream draws ``torch.randn(frames, channels)`` on the model's device in the model's
    dtype from the global generator; drawing the same from ``generator``, seeded with the
    same seed, gives the same values without touching the global generator.
    """
    return torch.randn(
        frames, channels, generator=generator, device=generator.device, dtype=dtype
    ).unsqueeze(0)


class FlowSampler:
    """Integrates the flow from noise to mel with F5's transformer.

    Eager: upstream's own ``forward`` at the real length, exactly as ``CFM.sample`` calls
    it. Compiled: the padded, masked step of :mod:`dit_step` on sequences padded to the
    next of ``buckets``; each bucket's two passes (guided, conditional) are compiled
    functions of their own, compiled and warmed by :meth:`compile_pass`. A length whose
    bucket is not compiled (yet), or that no bucket holds, runs eager; so does a bucket
    whose compiled pass failed (counted in ``health``). A backbone the padded step does
    not cover runs eager.
    """

    def __init__(
        self,
        transformer,
        buckets: Sequence[int] = (),
        compile_mode: Optional[str] = None,
        health: Optional[CompileHealth] = None,
    ):
        self.transformer = transformer
        unsupported = dit_step.unsupported_reason(transformer) if compile_mode else None
        if unsupported:
            LOG.info("the transformer runs eager, not compiled: %s", unsupported)
            compile_mode = None
        self.compile_mode = compile_mode
        self.buckets = sorted(buckets) if compile_mode else []
        self.compiled_passes: Set[Tuple[int, bool]] = set()
        """(bucket, guided) of the passes compiled and warmed."""
        self.fell_back: Set[int] = set()
        """Buckets whose compiled pass failed on a text: eager from then on, never compiled."""
        self.health = health or CompileHealth()
        self._passes: Dict[int, Tuple[Callable, Callable]] = {}
        if compile_mode is not None:
            dit_step.enable_attention_masks(transformer)
            for bucket in self.buckets:
                self._passes[bucket] = tuple(
                    compile_function(fn, f"{fn.__name__}_{bucket}", compile_mode, dynamic=False)
                    for fn in (dit_step.guided_velocity, dit_step.conditional_velocity)
                )

    @property
    def compiled_buckets(self) -> Set[int]:
        """Buckets whose two passes are compiled: texts of these lengths run compiled."""
        return {b for b in self.buckets if {(b, True), (b, False)} <= self.compiled_passes}

    def bucket_of(self, frames: int) -> Optional[int]:
        """Return the bucket a sequence of ``frames`` is padded to, or None (eager)."""
        return next((bucket for bucket in self.buckets if bucket >= frames), None)

    def graph_counts(self) -> Dict[str, Optional[int]]:
        """Graphs dynamo holds per compiled pass, e.g. ``{"guided_velocity_512": 1}``."""
        return {
            compiled.__name__: graph_count(compiled)
            for passes in self._passes.values()
            for compiled in passes
        }

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
        generator: torch.Generator,
        noise_dtype: Optional[torch.dtype] = None,
        cfg_steps: int = -1,
        cancel: Optional[threading.Event] = None,
    ) -> torch.Tensor:
        """Generate ``[1, duration, d]`` whose first frames are the reference ``cond [1, n, d]``.

        ``text [1, nt]`` holds token ids of reference text + text to speak; the initial
        noise is drawn from ``generator`` in ``noise_dtype`` (default: ``cond``'s). Guidance
        is applied on the first ``cfg_steps`` steps (all when -1).
        """
        ref_frames = cond.shape[1]
        y0 = initial_noise(duration, cond.shape[-1], generator, noise_dtype or cond.dtype)
        y0 = y0.to(cond.dtype)
        t = timesteps(nfe_step, sway_sampling_coef, cond.device, cond.dtype)
        guided_steps = nfe_step if cfg_steps < 0 else cfg_steps
        guided = [step < guided_steps and cfg_strength >= 1e-5 for step in range(nfe_step)]
        cond = torch.nn.functional.pad(cond, (0, 0, 0, duration - ref_frames))
        bucket = self.bucket_of(duration)
        y = None
        try:
            if bucket in self.compiled_buckets:
                try:
                    with no_new_graphs():
                        y = self._integrate_padded(
                            cond, text, bucket, cfg_strength, y0, t, guided, cancel
                        )
                except SynthesisCancelled:
                    raise
                except Exception as exc:  # a compiled pass that fails must not silence speech
                    self.compiled_passes -= {(bucket, True), (bucket, False)}
                    self.fell_back.add(bucket)
                    self.health.fell_back(f"bucket {bucket}", exc)
            if y is None:
                velocity = self._eager_velocity(cond, text, cfg_strength)
                y = self._integrate(velocity, y0, t, guided, cancel)
        finally:
            self.transformer.clear_cache()  # upstream's per-utterance text cache
        cond_mask = (torch.arange(duration, device=cond.device) < ref_frames)[None, :, None]
        return torch.where(cond_mask, cond, y)

    @torch.inference_mode()
    def compile_pass(self, bucket: int, guided: bool, mel_bins: int, device, dtype) -> None:
        """Compile one pass of ``bucket`` (guided or not) and run it :data:`WARMUP_CALLS` times.

        Enough calls that CUDA graphs are recorded and replayed once before a text needs
        them. Runtime settings (nfe_step, cfg_strength, cfg_steps, sway, speed, seed) only
        choose among the two passes and change tensor values, so none of them compiles
        on a text.
        """
        cond = torch.zeros(1, bucket, mel_bins, device=device, dtype=dtype)
        text = torch.zeros(1, 8, dtype=torch.long, device=device)
        y0 = torch.zeros(1, bucket, mel_bins, device=device, dtype=dtype)
        t = timesteps(WARMUP_CALLS, -1.0, device, dtype)
        self._integrate_padded(cond, text, bucket, 2.0, y0, t, [guided] * WARMUP_CALLS, None)
        self.compiled_passes.add((bucket, guided))

    def _integrate(self, velocity, y, t, guided: List[bool], cancel, cuda_graphs=False):
        """Euler steps from ``t[0]`` to ``t[-1]``; ``guided[step]`` picks the pass."""
        for step, guide in enumerate(guided):
            if cancel is not None and cancel.is_set():
                raise SynthesisCancelled("synthesis stopped")
            mark_cuda_graph_step(cuda_graphs)
            v = velocity(y, t[step], guide)
            y = y + (t[step + 1] - t[step]) * v
        return y

    def _integrate_padded(
        self, cond, text, bucket: int, cfg_strength, y0, t, guided, cancel
    ) -> torch.Tensor:
        """Integrate ``y0 [1, n, d]`` on the bucket's compiled passes; return ``[1, n, d]``.

        ``cond [1, n, d]`` is the reference, zero beyond its frames.
        """
        duration = y0.shape[1]
        pad = (0, 0, 0, bucket - duration)
        cond = torch.nn.functional.pad(cond, pad)
        mask = (torch.arange(bucket, device=cond.device) < duration)[None, :]
        text_cond, text_uncond = dit_step.text_embeddings(self.transformer, text, duration, bucket)
        # A tensor, not a float: a compiled graph would be specialised on a float's value.
        strength = torch.tensor(cfg_strength, device=cond.device)
        guided_pass, conditional_pass = self._passes[bucket]
        transformer = self.transformer

        def velocity(x, time, guide):
            if guide:
                return guided_pass(
                    transformer, x, cond, text_cond, text_uncond, time, mask, strength
                )
            return conditional_pass(transformer, x, cond, text_cond, time, mask)

        cuda_graphs = uses_cuda_graphs(self.compile_mode, cond.device)
        y = self._integrate(
            velocity, torch.nn.functional.pad(y0, pad), t, guided, cancel, cuda_graphs
        )
        return y[:, :duration]

    def _eager_velocity(self, cond, text, cfg_strength: float):
        """Upstream's forward, as ``CFM.sample`` calls it (its text cache on)."""

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
