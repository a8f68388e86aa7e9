# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Warm-up: everything a first text touches, done before it comes, one step at a time.

A first text loads the text normaliser's grammars (English and Chinese), the Chinese
word splitter and pinyin tables, runs the model and vocoder at new shapes, and, when
compiled, needs its bucket's graphs (with their CUDA graphs recorded). The steps below do
all of that ahead. Each is short enough to run between two texts: a speaker runs one
whenever it is idle, so a robot speaks (eagerly) from the moment its weights are loaded
while buckets come online one by one. Run them on the thread that synthesises: CUDA
graph trees keep per-thread state (a compile from a second thread is pytorch#123177).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Callable, List, Optional

LOG = logging.getLogger(__name__)

# One of each kind a robot says: what the text steps prepare the tools for.
WARMUP_TEXTS = {
    "English": "Turning left now.",
    "English with digits": "Battery at 23%, obstacle 1.5 m ahead.",
    "Chinese with digits": "电量剩余23%，距离目标3.5米。",
}


@dataclass
class WarmupStep:
    """One step of warm-up; ``compiles`` marks the steps that compile."""

    name: str
    run: Callable[[], None]
    compiles: bool = False

    def __call__(self) -> None:
        """Run the step; a failure is logged, and the next steps still run."""
        try:
            self.run()
        except Exception as exc:  # a voice that cannot speak must not stop the warm-up
            LOG.warning("warm-up step %r failed: %s", self.name, exc)
            LOG.debug("traceback", exc_info=True)


def warmup_steps(engine) -> List[WarmupStep]:
    """List the warm-up of ``engine``, in order.

    Text tools first; when the engine compiles, one eager synthesis (what texts run on
    until their bucket is compiled), then the vocoder and every bucket, shortest first;
    then one synthesis per voice (on the compiled path when there is one), and the
    phrases to preload.
    """
    runtime = engine.runtime
    steps = [
        WarmupStep(f"text: {kind}", _planner(engine, text)) for kind, text in WARMUP_TEXTS.items()
    ]
    compile_steps = runtime.compile_steps() if not runtime.compile_on_demand else []
    if compile_steps:
        steps.append(WarmupStep("eager synthesis", _speaker(engine, None)))
    steps += [WarmupStep(name, run, compiles=True) for name, run in compile_steps]
    steps += [
        WarmupStep(f"voice {voice_id}", _speaker(engine, voice_id)) for voice_id in engine.voices
    ]
    steps.append(
        WarmupStep(
            "preload phrases",
            lambda: engine.preload(
                engine.config.preload_phrases, engine.config.preload_phrases_file
            ),
        )
    )
    return steps


def warm_up(engine) -> float:
    """Run every warm-up step of ``engine`` now; return the seconds it took."""
    started = time.perf_counter()
    for step in engine.warmup_steps():
        step()
    seconds = time.perf_counter() - started
    compiled, buckets = engine.runtime.compile_progress()
    error = engine.runtime.health.error
    LOG.info(
        "warmed up in %.1f s (%d of %d buckets compiled%s)",
        seconds,
        compiled,
        buckets,
        f"; compiling failed: {error}" if error else "",
    )
    return seconds


def _planner(engine, text: str) -> Callable[[], None]:
    return lambda: engine.plan(text)


def _speaker(engine, voice_id: Optional[str]) -> Callable[[], None]:
    """One synthesis, past the phrase cache (nothing is kept)."""
    text = WARMUP_TEXTS["English with digits"]
    return lambda: engine.synthesize(text, voice_id, use_phrase_cache=False)
