# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""torch.compile as the engine uses it: one graph cache per compiled function, counted.

Dynamo keeps the graphs of a function on its code object, at most
``torch._dynamo.config.recompile_limit`` (8) of them; past that it runs the function
eager, silently. Every compiled function of the engine (a pass of a bucket, the vocoder)
therefore gets a code object of its own: its cache holds its own graph, no matter how
many buckets, passes or engines there are, and its graphs can be counted.
"""

from __future__ import annotations

import logging
import types
from dataclasses import dataclass
from typing import Callable, Optional, Tuple

import torch

LOG = logging.getLogger(__name__)

# Modes in which inductor records CUDA graphs (on CUDA only).
CUDA_GRAPH_MODES = ("reduce-overhead", "max-autotune")
WITHOUT_CUDA_GRAPHS = {
    "reduce-overhead": "default",
    "max-autotune": "max-autotune-no-cudagraphs",
}


def resolve_compile_modes(
    setting: str, device: torch.device
) -> Tuple[Optional[str], Optional[str]]:
    """Map the ``compile`` setting to (transformer mode, vocoder mode); None = eager.

    ``auto``: on CUDA ``max-autotune`` for the transformer, whose sequences are padded to
    fixed buckets, so its CUDA graphs are a bounded set recorded at warm-up; on a CPU
    nothing, since the GEMMs already run near peak. The vocoder never records CUDA
    graphs: its input length varies with every text, and a graph per length would grow
    without bound; it is compiled once for every length (dynamic shapes).
    """
    if setting == "auto":
        setting = "max-autotune" if device.type == "cuda" else "none"
    if setting == "none":
        return None, None
    return setting, WITHOUT_CUDA_GRAPHS.get(setting, setting)


def uses_cuda_graphs(mode: Optional[str], device: torch.device) -> bool:
    return device.type == "cuda" and mode in CUDA_GRAPH_MODES


def with_own_code(fn: Callable, name: str) -> Callable:
    """Copy ``fn`` with a code object (so a graph cache) of its own, named ``name``."""
    code = fn.__code__.replace(co_name=name)
    return types.FunctionType(code, fn.__globals__, name, fn.__defaults__, fn.__closure__)


def compile_function(fn: Callable, name: str, mode: str, dynamic: Optional[bool]) -> Callable:
    """``torch.compile`` a copy of ``fn`` with a graph cache of its own."""
    return torch.compile(with_own_code(fn, name), mode=mode, dynamic=dynamic)


def graph_count(compiled: Callable) -> Optional[int]:
    """How many graphs dynamo holds for a function of :func:`compile_function`.

    None when this torch does not tell (the helper is dynamo's own debugging API).
    """
    try:
        from torch._dynamo.eval_frame import _debug_get_cache_entry_list

        return len(_debug_get_cache_entry_list(compiled._torchdynamo_orig_callable.__code__))
    except (ImportError, AttributeError):
        return None


def no_new_graphs():
    """While speaking: a call that would compile raises instead (the caller runs eager).

    Compiling belongs to warm-up; a text must never wait for it, and a fallback to eager
    must be seen, not silent.
    """
    return torch.compiler.set_stance("fail_on_recompile")


def mark_cuda_graph_step(enabled: bool) -> None:
    """Tell CUDA graph trees that a new call begins (outputs of the last one are consumed)."""
    if enabled:
        torch.compiler.cudagraph_mark_step_begin()


@dataclass
class CompileHealth:
    """What went wrong on the compiled path: texts keep being spoken, eagerly, and say so."""

    error: str = ""
    """Why compiling failed (then everything runs eager), or ""."""
    eager_fallbacks: int = 0
    """Calls of a compiled function that failed and ran eager instead."""
    last_fallback: str = ""

    def failed(self, exc: BaseException) -> None:
        self.error = describe(exc)
        LOG.warning("compiling failed, speaking eager (uncompiled) from now on: %s", self.error)
        LOG.debug("traceback", exc_info=exc)

    def fell_back(self, what: str, exc: BaseException) -> None:
        self.eager_fallbacks += 1
        self.last_fallback = f"{what}: {describe(exc)}"
        LOG.warning("compiled %s failed, it runs eager from now on: %s", what, describe(exc))
        LOG.debug("traceback", exc_info=exc)


def describe(exc: BaseException) -> str:
    """``Type: first line`` of an exception (inductor's messages run to pages)."""
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0] if lines else ''}".rstrip(": ")
