# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Settings of the Jetson performance node: defaults here, meanings in :data:`JETSON_PARAMS`."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from ishowtts_ros.parameters import Param, check_all

BACKENDS = ("auto", "jtop", "commands")


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
        check_all(self, JETSON_PARAMS)
        if self.temp_warn_c >= self.temp_error_c:
            raise ValueError(
                f"temp_warn_c must be below temp_error_c, got {self.temp_warn_c} "
                f"and {self.temp_error_c}"
            )

    def replace(self, **changes: Any) -> "JetsonSettings":
        return dataclasses.replace(self, **changes)


JETSON_PARAMS = {
    "sysfs_root": Param("folder that holds sys/, proc/ and etc/ (tests point it at a fake tree)"),
    "nvpmodel_cmd": Param("nvpmodel executable"),
    "jetson_clocks_cmd": Param("jetson_clocks executable"),
    "nvpmodel_conf": Param("power mode table, under sysfs_root"),
    "backend": Param(
        "how clocks are changed: jtop's service, or the commands; auto = jtop when it answers",
        choices=BACKENDS,
    ),
    "check_period_s": Param(
        "how often power mode and clocks are checked and re-asserted", True, 0.5, 3600.0
    ),
    "power_mode": Param("mode name or id to enforce; empty = MAXN"),
    "enforce": Param("keep the power mode and jetson_clocks applied", True),
    "store_and_restore": Param("jetson_clocks --store at start, --restore at shutdown"),
    "temp_warn_c": Param("diagnostics WARN at this temperature, degrees C", True, 0.0, 150.0),
    "temp_error_c": Param("diagnostics ERROR at this temperature, degrees C", True, 0.0, 150.0),
}
