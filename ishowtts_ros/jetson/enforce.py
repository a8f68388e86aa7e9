# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Keep a Jetson in its fastest power mode with clocks locked, re-asserting after drift."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import List, Optional

from ishowtts_ros.jetson.backends import ControlError
from ishowtts_ros.jetson.nvpmodel import PowerMode, parse_conf, target_mode
from ishowtts_ros.jetson.state import JetsonStats
from ishowtts_ros.jetson.sysfs import read_text, under

LOG = logging.getLogger(__name__)


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
    ):
        self.backend = backend
        self.root = root
        self.nvpmodel_conf = nvpmodel_conf
        self.power_mode = power_mode
        self.store_and_restore = store_and_restore
        self.state = ControlState(backend.name, enforcing)

    def start(self) -> None:
        """Store the current clocks first, when asked to restore them at shutdown."""
        if self.store_and_restore:
            try:
                self.backend.jetson_clocks("--store")
                self.state.stored = True
            except ControlError as exc:
                self.state.error = str(exc)

    def check(self, stats: JetsonStats) -> ControlState:
        """Compare the board with the target and fix what drifted (when enforcing)."""
        state = self.state
        state.actions, state.error = [], ""
        try:
            state.target = self._target()
            state.current = self.backend.power_mode()
            if not state.enforcing:
                return state
            mode_changed = state.current is None or state.current.id != state.target.id
            if mode_changed:
                self.backend.set_power_mode(state.target)
                state.actions.append(
                    f"power mode {state.current.name if state.current else '?'} "
                    f"-> {state.target.name}"
                )
                state.current = self.backend.power_mode()
            # nvpmodel -m resets what jetson_clocks set: lock again after a mode change
            if stats.gpu is not None and (mode_changed or not stats.gpu.at_max):
                self.backend.jetson_clocks()
                state.actions.append(
                    f"jetson_clocks (GPU was at {stats.gpu.cur_hz // 1_000_000} MHz)"
                )
        except (ControlError, ValueError) as exc:
            state.error = str(exc)
            LOG.error("%s", exc)
        if state.actions:
            state.reasserted += 1
            LOG.info("re-asserted: %s", "; ".join(state.actions))
        return state

    def set_enforcing(self, enforcing: bool) -> str:
        """Start or stop enforcing; stopping restores the stored clocks, where stored.

        Raises :class:`ControlError` (and changes nothing) when the restore is refused.
        """
        if not enforcing and self.state.stored:
            self.backend.jetson_clocks("--restore")
            self.state.enforcing = False
            return "enforcement off; stored clocks restored"
        self.state.enforcing = enforcing
        return "enforcing" if enforcing else "enforcement off"

    def shutdown(self) -> None:
        if self.state.stored:
            try:
                self.backend.jetson_clocks("--restore")
            except ControlError as exc:
                LOG.error("could not restore clocks: %s", exc)

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
