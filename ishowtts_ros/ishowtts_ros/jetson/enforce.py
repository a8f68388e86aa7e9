# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Keep a Jetson in its fastest power mode with clocks locked, re-asserting after drift.

Only what evidently drifted is fixed: a power mode that reads as another mode (one that
cannot be read is reported, not set again), and clocks that jetson_clocks no longer
locks (a locked GPU below its maximum is throttled by heat or power, which jetson_clocks
cannot fix). A refused or failing re-assertion is tried again after a delay that doubles
up to ten check periods.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import List, Optional

from ishowtts_ros.jetson.backends import ControlError, UnknownPowerMode
from ishowtts_ros.jetson.nvpmodel import PowerMode, parse_conf, target_mode
from ishowtts_ros.jetson.state import JetsonStats
from ishowtts_ros.jetson.sysfs import read_text, under

LOG = logging.getLogger(__name__)
MAX_BACKOFF_PERIODS = 10


@dataclass
class ControlState:
    """The outcome of the last check, for diagnostics."""

    backend: str
    enforcing: bool
    target: Optional[PowerMode] = None
    current: Optional[PowerMode] = None
    actions: List[str] = field(default_factory=list)
    reasserted: int = 0
    error: str = ""
    """Why the last attempt failed; kept until an attempt succeeds."""
    failures: int = 0
    """Attempts that failed in a row."""
    retry_at: float = 0.0
    """No attempt before this time (``time.monotonic``) after a failure."""
    unknown_mode: str = ""
    """Why the current power mode could not be read."""
    stored: bool = False


class Enforcer:
    """Applies the wanted power mode and jetson_clocks through a backend."""

    def __init__(
        self,
        backend,
        root: str,
        nvpmodel_conf: str,
        power_mode: str = "",
        store_and_restore: bool = False,
        enforcing: bool = True,
        check_period_s: float = 10.0,
    ):
        self.backend = backend
        self.root = root
        self.nvpmodel_conf = nvpmodel_conf
        self.power_mode = power_mode
        self.store_and_restore = store_and_restore
        self.check_period_s = check_period_s
        self.state = ControlState(backend.name, enforcing)

    def start(self) -> None:
        """Store the current clocks first, when asked to restore them at shutdown."""
        if self.store_and_restore:
            try:
                self.backend.jetson_clocks("--store")
                self.state.stored = True
            except ControlError as exc:
                self.state.error = str(exc)

    def check(self, stats: JetsonStats, now: Optional[float] = None) -> ControlState:
        """Compare the board with the target and fix what drifted (when enforcing)."""
        now = time.monotonic() if now is None else now
        state = self.state
        state.actions = []
        if now < state.retry_at:
            return state  # backing off after a failure; the error stays on show
        try:
            state.target = self._target()
            self._read_mode()
            if state.enforcing:
                self._reassert(stats)
        except (ControlError, ValueError) as exc:
            self._failed(exc, now)
            return state
        state.error, state.failures, state.retry_at = "", 0, 0.0
        if state.actions:
            state.reasserted += 1
            LOG.info("re-asserted: %s", "; ".join(state.actions))
        return state

    def _read_mode(self) -> None:
        state = self.state
        try:
            state.current, state.unknown_mode = self.backend.power_mode(), ""
        except UnknownPowerMode as exc:
            if state.unknown_mode != str(exc):
                LOG.warning("%s", exc)
            state.current, state.unknown_mode = None, str(exc)

    def _reassert(self, stats: JetsonStats) -> None:
        state = self.state
        # A mode that cannot be read is not set again: it may well be the right one.
        mode_changed = state.current is not None and state.current.id != state.target.id
        if mode_changed:
            self.backend.set_power_mode(state.target)
            state.actions.append(f"power mode {state.current.name} -> {state.target.name}")
            self._read_mode()
        # nvpmodel -m resets what jetson_clocks set: lock again after a mode change.
        if stats.gpu is not None and (mode_changed or not stats.gpu.locked):
            self.backend.jetson_clocks()
            state.actions.append(
                f"jetson_clocks (GPU was at {stats.gpu.cur_hz // 1_000_000} MHz, unlocked)"
            )

    def _failed(self, exc: Exception, now: float) -> None:
        state = self.state
        state.failures += 1
        delay = min(2**state.failures, MAX_BACKOFF_PERIODS) * self.check_period_s
        state.retry_at = now + delay
        state.error = f"{exc} ({state.failures} failed in a row; next try in {delay:.0f} s)"
        LOG.error("%s", state.error)
        LOG.debug("traceback", exc_info=True)

    def set_enforcing(self, enforcing: bool) -> str:
        """Start or stop enforcing; stopping restores the stored clocks, where stored.

        Raises :class:`ControlError` (and changes nothing) when the restore is refused.
        Starting again tries at once, whatever an earlier failure's delay.
        """
        if not enforcing and self.state.stored:
            self.backend.jetson_clocks("--restore")
            self.state.enforcing = False
            return "enforcement off; stored clocks restored"
        self.state.enforcing = enforcing
        self.state.retry_at = 0.0
        return "enforcing" if enforcing else "enforcement off"

    def shutdown(self) -> None:
        if self.state.stored:
            try:
                self.backend.jetson_clocks("--restore")
            except ControlError:
                LOG.exception("could not restore clocks")

    def _target(self) -> PowerMode:
        text = read_text(under(self.root, self.nvpmodel_conf))
        if text is None:
            if self.power_mode.isdigit():
                return PowerMode(int(self.power_mode), self.power_mode)
            raise ValueError(
                f"nvpmodel_conf {self.nvpmodel_conf} not found under {self.root}: "
                "set nvpmodel_conf, or power_mode to a mode id"
            )
        return target_mode(parse_conf(text), self.power_mode)
