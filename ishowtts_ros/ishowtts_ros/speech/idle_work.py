# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""What the speaker's thread does while nothing waits or plays: warm-up, then memory.

Warm-up steps (compiling, CUDA graphs) run one at a time, so that a text waits for one
step at most; once they are done and speech has been idle for
:data:`TRIM_AFTER_IDLE_S`, the memory freed since is given back to the system.
"""

from __future__ import annotations

import collections
import logging
import time
from typing import Deque, Iterable

from ishowtts_ros.speech.memory import release_free_memory

LOG = logging.getLogger(__name__)
TRIM_AFTER_IDLE_S = 2.0  # memory goes back to the system after this long without speech


class IdleWork:
    """Warm-up steps left, and whether memory was given back since the last speech."""

    def __init__(self):
        self._warmup: Deque = collections.deque()
        self._busy_at = time.monotonic()  # when something was last in flight
        self._trimmed = True

    @property
    def warming_up(self) -> bool:
        return bool(self._warmup)

    def add_warmup(self, steps: Iterable) -> None:
        self._warmup.extend(steps)

    def busy(self) -> None:
        """Something was just in flight: memory is given back after the next idle spell."""
        self._busy_at = time.monotonic()
        self._trimmed = False

    def run(self) -> None:
        """Run one warm-up step, or give memory back when idle long enough."""
        if self._warmup:
            step = self._warmup.popleft()
            started = time.monotonic()
            step()
            LOG.debug("warm-up step %r took %.1f s", step.name, time.monotonic() - started)
            if not self._warmup:
                LOG.info("warm-up done")
            return
        if not self._trimmed and time.monotonic() - self._busy_at >= TRIM_AFTER_IDLE_S:
            release_free_memory()  # idle for a while: give memory back, off the speech path
            self._trimmed = True
