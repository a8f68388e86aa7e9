# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Measuring helpers: summary statistics and peak memory while a call runs."""

from __future__ import annotations

import os
import resource
import statistics
import threading
import time
from typing import Callable, Dict, List, Tuple

PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


def summary(values: List[float]) -> Dict[str, float]:
    """Mean, median, min, max, sample standard deviation and CV (%) of ``values``."""
    mean = statistics.fmean(values)
    stdev = statistics.stdev(values) if len(values) > 1 else 0.0
    return {
        "mean": mean,
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "stdev": stdev,
        "cv_percent": 100.0 * stdev / mean if mean else 0.0,
        "n": len(values),
    }


def rss_mb() -> float:
    """Resident set size of this process now, in MiB (from /proc)."""
    with open("/proc/self/statm", encoding="ascii") as stream:
        return int(stream.read().split()[1]) * PAGE_BYTES / 2**20


def peak_rss_mb() -> float:
    """Highest resident set size this process has had, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_call(fn: Callable[[], object], period_s: float = 0.005) -> Tuple[object, float, float]:
    """Run ``fn``; return its result, wall time and the peak RSS growth (MiB) during it."""
    baseline = rss_mb()
    peak = [baseline]
    done = threading.Event()

    def sample():
        while not done.wait(period_s):
            peak[0] = max(peak[0], rss_mb())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    try:
        result = fn()
    finally:
        elapsed = time.perf_counter() - started
        done.set()
        sampler.join()
    peak[0] = max(peak[0], rss_mb())
    return result, elapsed, peak[0] - baseline
