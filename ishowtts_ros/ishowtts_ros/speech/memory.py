# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Keeping a long-running speaker's memory flat.

Measured on the CPU (see the soak benchmark): memory grows over the first few hundred
texts of varied lengths, then levels off. Two bounded things fill up, no leak: oneDNN's
cache of compiled kernels for each new sequence shape (1,024 entries by default, tens of
MB), and memory that glibc keeps after tensors of many sizes are freed. Both are bounded
tighter here: a smaller kernel cache (a user's own ``ONEDNN_PRIMITIVE_CACHE_CAPACITY``
wins), fewer malloc arenas, and freed memory handed back to the system when idle.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
from typing import Optional

KERNEL_CACHE_ENTRIES = "256"
MALLOC_ARENAS = 2
M_ARENA_MAX = -8  # glibc's mallopt parameter number


@functools.lru_cache(maxsize=None)
def _libc() -> Optional[ctypes.CDLL]:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None  # glibc only


def bound_memory_caches() -> None:
    """Call once at process start, before torch is imported and threads are started."""
    os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", KERNEL_CACHE_ENTRIES)
    libc = _libc()
    if libc is not None and "MALLOC_ARENA_MAX" not in os.environ:
        libc.mallopt(M_ARENA_MAX, MALLOC_ARENAS)


def release_free_memory() -> None:
    """Hand memory that is free but kept by glibc back to the system (a few ms)."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
