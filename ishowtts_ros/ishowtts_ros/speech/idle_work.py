# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""What the speaker's thread does while nothing waits or plays: warm-up, then memory.

Warm-up steps (compiling, CUDA graphs) run one at a time, so that a text waits for one
step at most. Compiling is long (seconds to minutes a bucket): before the first compile
step, a child process (``ishowtts-warm-cache``) compiles everything into the inductor
cache while the robot speaks uncompiled, and nothing waits on it; the steps then load
each bucket from the cache, a short step each. Once they are done and speech has been
idle for :data:`TRIM_AFTER_IDLE_S`, the memory freed since is given back to the system.
"""

from __future__ import annotations

import collections
import json
import logging
import subprocess
import sys
import time
from typing import Callable, Deque, Iterable, Optional

from ishowtts_ros.speech.memory import release_free_memory

LOG = logging.getLogger(__name__)
TRIM_AFTER_IDLE_S = 2.0  # memory goes back to the system after this long without speech
CHILD_STOP_S = 5.0  # a cache filler asked to stop is killed after this long


def warm_cache_child(config) -> Callable[[], subprocess.Popen]:
    """Return what starts ``ishowtts-warm-cache`` on ``config`` (the engine's own settings)."""
    module = "ishowtts_ros.cli.warm_cache"
    command = [sys.executable, "-m", module, "--engine-json", json.dumps(config.to_dict())]
    return lambda: subprocess.Popen(command, stdin=subprocess.DEVNULL)


class IdleWork:
    """Warm-up steps left, and whether memory was given back since the last speech."""

    def __init__(self):
        self._warmup: Deque = collections.deque()
        self._busy_at = time.monotonic()  # when something was last in flight
        self._trimmed = True
        self._fill_cache: Optional[Callable[[], subprocess.Popen]] = None
        self._filler: Optional[subprocess.Popen] = None
        self._closed = False

    @property
    def warming_up(self) -> bool:
        return bool(self._warmup)

    @property
    def step_ready(self) -> bool:
        """A warm-up step can run now (not waiting for the cache filler)."""
        filling = self._filler is not None and self._filler.poll() is None
        return bool(self._warmup) and not filling

    def add_warmup(self, steps: Iterable, fill_cache=None) -> None:
        """Queue ``steps``; ``fill_cache`` starts the child that fills the compile cache."""
        self._warmup.extend(steps)
        self._fill_cache = fill_cache

    def close(self) -> None:
        """Stop the cache filler, if it runs (it is of no use to a node that stops)."""
        self._closed = True  # and nothing compiles here any more
        filler = self._filler
        if filler is not None and filler.poll() is None:
            filler.terminate()
            try:
                filler.wait(CHILD_STOP_S)
            except subprocess.TimeoutExpired:
                filler.kill()
                filler.wait()

    def busy(self) -> None:
        """Something was just in flight: memory is given back after the next idle spell."""
        self._busy_at = time.monotonic()
        self._trimmed = False

    def run(self) -> None:
        """Run one warm-up step, or give memory back when idle long enough."""
        if self._closed or self._waiting_for_filler():
            return
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

    def _waiting_for_filler(self) -> bool:
        """Start the cache filler at the first compile step; True while it runs."""
        if self._fill_cache is None or not self._warmup or not self._warmup[0].compiles:
            return False
        if self._filler is None:
            try:
                self._filler = self._fill_cache()
            except OSError as exc:  # the steps compile in this process, as without a filler
                LOG.warning("could not start the compile cache filler: %s", exc)
                self._fill_cache = None
                return False
            LOG.info("compiling in a child process; speaking uncompiled meanwhile")
            if self._closed:  # closed while it started
                self.close()
            return True
        code = self._filler.poll()
        if code is None:
            return True
        self._fill_cache = None
        if code:
            LOG.warning("the compile cache filler failed (exit %d): compiling here", code)
        return False
