# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Every speed switch of the engine, applied in one place at load.

- dtype: the model and the vocoder backbone run in it (fp16 on CUDA by default), with no
  fp16 -> fp32 -> fp16 trip between them;
- compile: torch.compile of the transformer step and the vocoder, with inductor's cache
  in ``compile_cache_dir`` during warm-up, so that a restart reuses it;
- buckets: compiled sequences are padded to fixed lengths (masked), so no text length
  recompiles; warm-up runs each bucket at load so that no request waits;
- CUDA: a dedicated stream, pinned memory and non-blocking copies;
- cfg_steps: guidance on the first steps only (a quality trade-off, off by default).
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from dataclasses import dataclass
from typing import Optional

import torch

from ishowtts_ros.engine.config import EngineConfig
from ishowtts_ros.engine.device import DeviceIO, resolve_compile_mode
from ishowtts_ros.engine.sampling import FlowSampler
from ishowtts_ros.engine.vocoder import VocoderDecoder

LOG = logging.getLogger(__name__)
CACHE_VARIABLE = "TORCHINDUCTOR_CACHE_DIR"


@dataclass
class Runtime:
    """The parts that run a synthesis, as the switches configured them."""

    sampler: FlowSampler
    decoder: VocoderDecoder
    io: DeviceIO
    compile_mode: Optional[str]
    warmup_s: float = 0.0


def default_compile_cache_dir() -> str:
    return os.path.join(os.path.expanduser("~"), ".cache", "ishowtts", "inductor")


@contextlib.contextmanager
def inductor_cache_in(folder: str):
    """Point inductor's cache at ``folder`` while compiling, then put the old one back.

    Inductor reads its cache location from the environment when it compiles.
    """
    os.makedirs(folder, exist_ok=True)
    earlier = os.environ.get(CACHE_VARIABLE)
    os.environ[CACHE_VARIABLE] = folder
    try:
        yield
    finally:
        if earlier is None:
            os.environ.pop(CACHE_VARIABLE, None)
        else:
            os.environ[CACHE_VARIABLE] = earlier


def build_runtime(
    config: EngineConfig, cfm, vocos, device: torch.device, dtype: torch.dtype
) -> Runtime:
    """Apply the configured optimisations and warm up what they compiled."""
    mode = resolve_compile_mode(config.compile, device)
    runtime = Runtime(
        sampler=FlowSampler(cfm.transformer, config.buckets, mode),
        decoder=VocoderDecoder(vocos, dtype, mode),
        io=DeviceIO(device),
        compile_mode=mode,
    )
    if mode is not None and config.warmup:
        started = time.perf_counter()
        mel_bins = cfm.num_channels
        cache = config.compile_cache_dir or default_compile_cache_dir()
        with inductor_cache_in(cache), runtime.io.stream_context():
            runtime.sampler.warm_up(mel_bins, device, dtype)
            runtime.decoder.warm_up(device, mel_bins)
        if runtime.io.stream is not None:
            runtime.io.stream.synchronize()
        runtime.warmup_s = time.perf_counter() - started
        LOG.info(
            "compiled (%s) and warmed up %d buckets in %.1f s",
            mode,
            len(runtime.sampler.buckets),
            runtime.warmup_s,
        )
    return runtime
