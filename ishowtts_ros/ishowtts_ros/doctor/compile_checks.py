# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The doctor's compile checks: the cache folder, and a tiny compile as the engine would."""

from __future__ import annotations

import importlib.util
import os
import random
from typing import List

from ishowtts_ros.doctor.checks import FAIL, OK, WARN, Check


def compile_cache(config) -> List[Check]:
    from ishowtts_ros.engine.optimize import default_compile_cache_dir

    folder = config.compile_cache_dir or default_compile_cache_dir()
    try:
        os.makedirs(folder, exist_ok=True)
        writable = os.access(folder, os.W_OK)
    except OSError:
        writable = False
    if writable:
        return [Check("compile cache", OK, folder)]
    return [Check("compile cache", FAIL, f"{folder} is not writable", "set compile_cache_dir")]


def compile_works(config, on_jetson: bool) -> List[Check]:
    """Compile a tiny function as the engine would: its mode, device and cache folder.

    The function is new each time (a random constant in it), so that the compiler really
    runs: a cached graph would hide a missing C++ compiler or Triton. The cache folder
    keeps what the compiler builds once (headers: seconds), as it does for the engine.
    """
    try:
        import torch

        from ishowtts_ros.engine.compiled import describe, plan_compile
        from ishowtts_ros.engine.device import resolve_device

        device = resolve_device(config.device)
    except Exception as exc:  # no torch, or no CUDA where asked: the torch checks say why
        return [Check("compile", WARN, f"not checked: {exc}")]
    plan = plan_compile(config.compile, device)
    mode, why = plan.transformer, f" ({plan.why})" if config.compile == "auto" else ""
    if plan.unsupported:
        detail = f"compile {config.compile}: {plan.unsupported}; speech runs uncompiled"
        fix = "install torch >= 2.6 built for this machine (README: torch versions)"
        return [Check("compile", WARN, detail, f"{fix}, or set compile: none")]
    if mode is None:
        detail = f"compile {config.compile}: uncompiled on {device.type}{why}"
        return [Check("compile", OK, detail)]
    if device.type == "cuda" and importlib.util.find_spec("triton") is None:
        problem = "no Triton for this torch"
    else:
        try:
            from ishowtts_ros.engine.optimize import default_compile_cache_dir, inductor_cache_in

            scale = random.random()
            with inductor_cache_in(config.compile_cache_dir or default_compile_cache_dir()):
                compiled = torch.compile(lambda x: torch.nn.functional.gelu(x) * scale, mode=mode)
                compiled(torch.randn(64, device=device))
            detail = f"torch.compile ({mode}) works on {device.type}{why}"
            return [Check("compile", OK, detail)]
        except Exception as exc:  # no C++ compiler, no Triton, an inductor error
            problem = describe(exc)
    if device.type != "cuda":
        fix = "install a C++ compiler (sudo apt install g++), or set compile: none"
    elif on_jetson:
        fix = "install the Triton wheel built for your JetPack's torch, or set compile: none"
    else:
        fix = "pip install the triton release that matches your torch, or set compile: none"
    detail = f"torch.compile ({mode}) fails on {device.type}: {problem}; speech runs uncompiled"
    return [Check("compile", WARN, detail, fix)]
