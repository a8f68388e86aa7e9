# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Settings of the Jetson performance node, with their defaults and descriptions."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

BACKENDS = ("auto", "jtop", "commands")

DESCRIPTIONS = {
    "sysfs_root": (
        "folder that holds sys/, proc/ and etc/ (tests point it at a fake tree)",
        True,
        None,
    ),
    "nvpmodel_cmd": ("nvpmodel executable", True, None),
    "jetson_clocks_cmd": ("jetson_clocks executable", True, None),
    "nvpmodel_conf": ("power mode table, under sysfs_root", True, None),
    "backend": (
        "auto (jtop when its service answers, else commands) | jtop | commands",
        True,
        None,
    ),
    "check_period_s": (
        "how often power mode and clocks are checked and re-asserted",
        False,
        (0.5, 3600.0),
    ),
    "power_mode": ("mode name or id to enforce; empty = MAXN", True, None),
    "enforce": ("keep the power mode and jetson_clocks applied", False, None),
    "store_and_restore": ("jetson_clocks --store at start, --restore at shutdown", True, None),
    "temp_warn_c": ("diagnostics WARN at this temperature, degrees C", False, (0.0, 150.0)),
    "temp_error_c": ("diagnostics ERROR at this temperature, degrees C", False, (0.0, 150.0)),
}


@dataclass
class JetsonSettings:
    sysfs_root: str = "/"
    nvpmodel_cmd: str = "nvpmodel"
    jetson_clocks_cmd: str = "jetson_clocks"
    nvpmodel_conf: str = "/etc/nvpmodel.conf"
    backend: str = "auto"
    check_period_s: float = 10.0
    power_mode: str = ""
    enforce: bool = True
    store_and_restore: bool = False
    temp_warn_c: float = 80.0
    temp_error_c: float = 95.0

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ValueError(f"backend must be one of {'/'.join(BACKENDS)}, got {self.backend!r}")
        for name, (_, _, bounds) in DESCRIPTIONS.items():
            value = getattr(self, name)
            if bounds and not bounds[0] <= value <= bounds[1]:
                raise ValueError(f"{name} must be in {bounds[0]}..{bounds[1]}, got {value!r}")
        if self.temp_warn_c >= self.temp_error_c:
            raise ValueError(
                f"temp_warn_c must be below temp_error_c, got {self.temp_warn_c} "
                f"and {self.temp_error_c}"
            )

    def replace(self, **changes: Any) -> "JetsonSettings":
        return dataclasses.replace(self, **changes)
