# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Timed syntheses of the engine and of upstream f5-tts, and their statistics."""

from __future__ import annotations

import time
from typing import Dict, List

from ishowtts_ros.bench import measure


def time_engine(engine, text: str, seed: int, memory: bool = True) -> Dict[str, float]:
    """One streamed synthesis: total and first-chunk time, audio length, memory growth.

    ``memory`` False times it alone, without the thread that samples memory meanwhile.
    """
    first = []
    started = time.perf_counter()

    def run():
        total = 0
        for chunk in engine.synthesize_stream(text, seed=seed):
            if not first:
                first.append(time.perf_counter() - started)
            total += len(chunk.samples)
        return total

    if memory:
        samples, elapsed, extra_mb = measure.measure_call(run)
    else:
        samples = run()
        elapsed = time.perf_counter() - started
    audio_s = samples / engine.sample_rate
    timing = {
        "synthesis_s": elapsed,
        "first_chunk_s": first[0],
        "audio_s": audio_s,
        "rtf": elapsed / audio_s,
    }
    if memory:
        timing["extra_rss_mb"] = extra_mb
    return timing


def time_upstream(
    upstream, ref_file: str, ref_text: str, text: str, nfe: int, seed: int
) -> Dict[str, float]:
    (wave, rate), elapsed, extra_mb = measure.measure_call(
        lambda: upstream.synthesize(ref_file, ref_text, text, nfe, seed)
    )
    audio_s = len(wave) / rate
    return {
        "synthesis_s": elapsed,
        "audio_s": audio_s,
        "rtf": elapsed / audio_s,
        "extra_rss_mb": extra_mb,
    }


def summarise(runs: List[Dict[str, float]]) -> Dict[str, object]:
    """Statistics of each measured quantity over the runs."""
    result: Dict[str, object] = {key: measure.summary([r[key] for r in runs]) for key in runs[0]}
    result["speedup"] = 1.0 / result["rtf"]["mean"]
    return result
