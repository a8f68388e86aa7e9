# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""How far the transformer is from its FLOP floor on this machine.

The floor is the time the transformer's matrix multiplications would take at the GEMM
rate this machine reaches, measured in the same run on the model's own shapes.
"""

from __future__ import annotations

import time

import torch


def dit_forward_flops(arch: dict, frames: int, mel_dim: int = 100, batch: int = 2) -> float:
    """Multiply-add FLOPs (2 per MAC) of one DiT forward over ``frames`` for ``batch`` rows."""
    d, depth, ff = arch["dim"], arch["depth"], arch.get("ff_mult", 4)
    text_dim = arch.get("text_dim") or mel_dim
    per_block = (
        4 * 2 * frames * d * d  # q, k, v, out projections
        + 2 * 2 * frames * frames * d  # scores and weighted values
        + 2 * 2 * frames * d * d * ff  # feed-forward in and out
    )
    conv_pos = 2 * 2 * frames * d * (d // 16) * 31  # two grouped convolutions, kernel 31
    edges = 2 * frames * (2 * mel_dim + text_dim) * d + 2 * frames * d * mel_dim
    return batch * (depth * per_block + conv_pos + edges)


def gemm_rate(dim: int, ff_mult: int, rows: int, device, dtype, seconds: float = 1.0) -> float:
    """FLOP/s of ``[rows, dim] @ [dim, dim * ff_mult]``, the transformer's feed-forward shape."""
    a = torch.randn(rows, dim, device=device, dtype=dtype)
    b = torch.randn(dim, dim * ff_mult, device=device, dtype=dtype)
    flops = 2 * rows * dim * dim * ff_mult
    torch.matmul(a, b)  # first call pays for allocation and kernel choice
    _sync(device)
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        torch.matmul(a, b)
        count += 1
        if count % 8 == 0:
            _sync(device)
    _sync(device)
    return flops * count / (time.perf_counter() - started)


def _sync(device) -> None:
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize(device)
