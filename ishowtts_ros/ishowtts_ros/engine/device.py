# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Device and dtype choices, and host/device transfers on a stream of our own."""

from __future__ import annotations

import contextlib
import numpy as np
import torch

from ishowtts_ros.engine.errors import EngineError

DTYPES = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}


def resolve_device(device: str) -> torch.device:
    """Pick CUDA for ``auto`` when present; asking for CUDA without it is an error."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cuda" and not torch.cuda.is_available():
        raise EngineError(
            "device is 'cuda' but torch sees no CUDA device (use device: auto or cpu)"
        )
    return torch.device(device)


def resolve_dtype(dtype: str, device: torch.device) -> torch.dtype:
    """Pick fp16 for ``auto`` on CUDA with tensor cores (compute capability >= 7), else fp32."""
    if dtype != "auto":
        return DTYPES[dtype]
    if device.type == "cuda" and torch.cuda.get_device_capability(device)[0] >= 7:
        return torch.float16
    return torch.float32


class DeviceIO:
    """Runs synthesis on a dedicated CUDA stream with pinned, non-blocking copies.

    On the CPU every method is a plain pass-through.
    """

    def __init__(self, device: torch.device):
        self.device = device
        self.stream = torch.cuda.Stream(device) if device.type == "cuda" else None

    def stream_context(self):
        """Enter the synthesis stream, ordered after work already queued on the default one."""
        if self.stream is None:
            return contextlib.nullcontext()
        self.stream.wait_stream(torch.cuda.current_stream(self.device))
        return torch.cuda.stream(self.stream)

    def tokens(self, ids: list) -> torch.Tensor:
        """``[1, nt]`` token ids on the device (call inside ``stream_context``)."""
        host = torch.tensor([ids], dtype=torch.long, pin_memory=self.stream is not None)
        return host.to(self.device, non_blocking=True)

    def to_numpy(self, tensor: torch.Tensor) -> np.ndarray:
        """Copy a result to the host; on CUDA, wait for the synthesis stream first."""
        if self.stream is None:
            return tensor.detach().numpy()
        host = torch.empty(tensor.shape, dtype=tensor.dtype, pin_memory=True)
        host.copy_(tensor, non_blocking=True)
        self.stream.synchronize()
        return host.numpy()
