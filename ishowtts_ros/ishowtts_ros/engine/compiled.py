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
from typing import Callable, Optional

import torch

LOG = logging.getLogger(__name__)

# Modes in which inductor records CUDA graphs (on CUDA only).
CUDA_GRAPH_MODES = ("reduce-overhead", "max-autotune")
WITHOUT_CUDA_GRAPHS = {
    "reduce-overhead": "default",
    "max-autotune": "max-autotune-no-cudagraphs",
}
# Inductor tunes GEMMs in max-autotune only on GPUs with this many SMs or more
# (torch._inductor.utils.is_big_gpu); an Orin has 16 (AGX) or fewer.
INDUCTOR_MIN_SMS = 68


@dataclass
class CompilePlan:
    """What the ``compile`` setting means on this device and torch, and why."""

    transformer: Optional[str]
    """The transformer's mode (None: eager)."""
    vocoder: Optional[str]
    why: str
    unsupported: str = ""
    """Why this torch cannot run the compiled path ("" = it can)."""


def missing_compile_features() -> str:
    """Say what this torch lacks for the compiled path ("" = nothing).

    ``torch.compiler.set_stance`` (torch 2.6) makes a pass that would compile while
    speaking raise instead (:func:`no_new_graphs`); without it a text could wait minutes.
    """
    if not hasattr(torch.compiler, "set_stance"):
        return f"torch {torch.__version__} has no torch.compiler.set_stance (torch >= 2.6)"
    return ""


def streaming_multiprocessors(device: torch.device) -> int:
    """Return the GPU's SM count (the one place it is read)."""
    return torch.cuda.get_device_properties(device).multi_processor_count


def plan_compile(setting: str, device: torch.device) -> CompilePlan:
    """Map the ``compile`` setting to the transformer's and the vocoder's modes.

    ``auto``: on CUDA, ``max-autotune`` where inductor tunes GEMMs (a big GPU), else
    ``reduce-overhead``: the same CUDA graphs without a long tuning for nothing. The
    transformer's sequences are padded to fixed buckets, so its CUDA graphs are a bounded
    set recorded at warm-up. On a CPU nothing: the GEMMs already run near peak. The
    vocoder never records CUDA graphs: its input length varies with every text, and a
    graph per length would grow without bound; it is compiled once for every length.
    """
    why = "set in the config"
    if setting == "auto":
        if device.type != "cuda":
            setting, why = "none", "auto on a CPU: its GEMMs already run near peak"
        else:
            sms = streaming_multiprocessors(device)
            if sms >= INDUCTOR_MIN_SMS:
                setting, why = "max-autotune", f"auto on a GPU of {sms} SMs: GEMMs tuned"
            else:  # inductor would not tune them: the same CUDA graphs, without the long compile
                setting = "reduce-overhead"
                why = f"auto on a GPU of {sms} SMs (< {INDUCTOR_MIN_SMS}: no GEMM tuning)"
    missing = missing_compile_features() if setting != "none" else ""
    if setting == "none" or missing:
        return CompilePlan(None, None, why, missing)
    return CompilePlan(setting, WITHOUT_CUDA_GRAPHS.get(setting, setting), why)


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
    unsupported: str = ""
    """Why this torch cannot run the compiled path (nothing was compiled), or ""."""
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
