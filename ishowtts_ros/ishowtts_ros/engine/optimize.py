# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Every speed switch of the engine, applied in one place at load; compiling, step by step.

- dtype: the model and the vocoder backbone run in it (fp16 on CUDA by default), with no
  fp16 -> fp32 -> fp16 trip between them;
- compile: torch.compile of the transformer step (one function per bucket and pass) and
  of the vocoder, compiled one step at a time (:meth:`Runtime.compile_steps`) with
  inductor's cache in ``compile_cache_dir``, so that a restart reuses it. Until a
  bucket is compiled its texts run eager; a compile that fails leaves everything eager;
- buckets: compiled sequences are padded to fixed lengths (masked), so no text length
  compiles anything, and CUDA graphs are a bounded set;
- CUDA: a dedicated stream, pinned memory and non-blocking copies;
- cfg_steps: guidance on the first steps only (a quality trade-off, off by default).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import time
from typing import Callable, Dict, List, Optional, Tuple

import torch

from ishowtts_ros.engine.compiled import CompileHealth, plan_compile
from ishowtts_ros.engine.config import EngineConfig
from ishowtts_ros.engine.device import DeviceIO
from ishowtts_ros.engine.sampling import FlowSampler
from ishowtts_ros.engine.vocoder import VocoderDecoder

LOG = logging.getLogger(__name__)
# Inductor reads its cache folder from the environment when it compiles; Triton's kernels
# go beside it (as torch's own fresh_cache helper places them).
CACHE_VARIABLES = ("TORCHINDUCTOR_CACHE_DIR", "TRITON_CACHE_DIR")


def default_compile_cache_dir() -> str:
    return os.path.join(os.path.expanduser("~"), ".cache", "ishowtts", "inductor")


@contextlib.contextmanager
def inductor_cache_in(folder: str):
    """Point inductor's (and Triton's) cache at ``folder`` while compiling, then put back."""
    os.makedirs(folder, exist_ok=True)
    earlier = {name: os.environ.get(name) for name in CACHE_VARIABLES}
    os.environ.update(
        {CACHE_VARIABLES[0]: folder, CACHE_VARIABLES[1]: os.path.join(folder, "triton")}
    )
    try:
        yield
    finally:
        for name, value in earlier.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class Runtime:
    """The parts that run a synthesis, as the switches configured them, and what is compiled.

    Compiling happens only in :meth:`compile_steps` (or, with ``warmup: false``, for the
    first text of a bucket): call them on the thread that synthesises.
    """

    def __init__(self, config: EngineConfig, cfm, vocos, device: torch.device, dtype: torch.dtype):
        plan = plan_compile(config.compile, device)
        self.health = CompileHealth()
        if plan.unsupported:  # said once, here: nothing is compiled that could not be used
            self.health.unsupported = plan.unsupported
            LOG.warning("compile %s: %s; speaking uncompiled", config.compile, plan.unsupported)
        self.sampler = FlowSampler(cfm.transformer, config.buckets, plan.transformer, self.health)
        self.compile_mode = self.sampler.compile_mode
        """The transformer's compile mode (None: eager); the vocoder's is its own."""
        self.decoder = VocoderDecoder(vocos, dtype, plan.vocoder, self.health)
        self.io = DeviceIO(device)
        self.device, self.dtype, self.mel_bins = device, dtype, cfm.num_channels
        self.cache_dir = config.compile_cache_dir or default_compile_cache_dir()
        self.compile_on_demand = not config.warmup
        self.compile_s = 0.0
        """Seconds spent compiling so far."""

    def compile_steps(self) -> List[Tuple[str, Callable[[], None]]]:
        """Compiling in steps: the vocoder, then each bucket's two passes, shortest first."""
        steps = []
        if self.decoder.compile_mode is not None:
            steps.append(("vocoder", self.compile_vocoder))
        for bucket in self.sampler.buckets:
            for guided, name in ((True, "guided"), (False, "conditional")):
                run = functools.partial(self.compile_pass, bucket, guided)
                steps.append((f"bucket {bucket}, {name} pass", run))
        return steps

    def compile_vocoder(self) -> None:
        self._compile(lambda: self.decoder.compile(self.device, self.mel_bins))

    def compile_pass(self, bucket: int, guided: bool) -> None:
        self._compile(
            lambda: self.sampler.compile_pass(
                bucket, guided, self.mel_bins, self.device, self.dtype
            )
        )

    def compile_for(self, frames: int) -> None:
        """With ``warmup: false``: compile what a text of ``frames`` needs now (it waits)."""
        if not self.compile_on_demand:
            return
        decoder = self.decoder
        if decoder.compile_mode is not None and not decoder.compiled and not decoder.fell_back:
            self.compile_vocoder()
        bucket = self.sampler.bucket_of(frames)
        if bucket is None or bucket in self.sampler.fell_back:
            return  # a pass that fell back stays eager: compiling it again would fail again
        for guided in (True, False):
            if (bucket, guided) not in self.sampler.compiled_passes:
                self.compile_pass(bucket, guided)

    def _compile(self, step: Callable[[], None]) -> None:
        if self.health.error:
            return  # compiling failed once: everything runs eager
        started = time.perf_counter()
        try:
            with inductor_cache_in(self.cache_dir), self.io.stream_context():
                step()
            if self.io.stream is not None:
                self.io.stream.synchronize()
        except Exception as exc:  # no compiler, no Triton, an inductor bug, out of memory
            self.health.failed(exc)
            self.sampler.compiled_passes.clear()
            self.decoder.compiled = False
        finally:
            self.compile_s += time.perf_counter() - started

    def compile_progress(self) -> Tuple[int, int]:
        """Buckets compiled so far, and buckets configured (0 of 0 when eager)."""
        return len(self.sampler.compiled_buckets), len(self.sampler.buckets)

    def graph_counts(self) -> Dict[str, Optional[int]]:
        """Graphs dynamo holds per compiled function (one each once warmed up)."""
        counts = self.sampler.graph_counts()
        if self.decoder.compile_mode is not None:
            counts["vocos_decode"] = self.decoder.graph_count()
        return counts
