# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""OpenMP threads that sleep while they wait, so that a busy neighbour does not slow us.

A robot's CPU is never idle (navigation, perception). torch runs as many OpenMP threads as
there are cores; by default each one spins at every barrier until the slowest arrives, so
when another process holds a core, the spinning threads take the time the late one needs.
Measured on two cores beside one busy process (``python -m ishowtts_ros.bench.busy_neighbour``):
sleeping threads synthesise 1.6 times faster than spinning ones, and first audio comes 2.5
times sooner; on an idle CPU they cost 8 % (waking a thread takes longer than finding it
spinning). On CUDA the CPU runs few parallel regions (not measured on a Jetson). libgomp
reads the policy once, when torch loads it.
"""

from __future__ import annotations

import os
import sys

WAIT_POLICY = "PASSIVE"


def prefer_passive_waits() -> None:
    """Set ``OMP_WAIT_POLICY`` to PASSIVE unless the user set it.

    Too late once torch is loaded: then nothing is changed, not even for child processes.
    """
    if "torch" not in sys.modules:
        os.environ.setdefault("OMP_WAIT_POLICY", WAIT_POLICY)
