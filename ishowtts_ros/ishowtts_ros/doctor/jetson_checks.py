# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The doctor's Jetson checks, read as jetson_performance_node reads them."""

from __future__ import annotations

import grp
import os
import pwd
from typing import List

from ishowtts_ros.doctor.checks import FAIL, OK, WARN, Check
from ishowtts_ros.jetson.backends import PERMISSION_HINT, CommandBackend, ControlError
from ishowtts_ros.jetson.nvpmodel import parse_conf, target_mode
from ishowtts_ros.jetson.sysfs import read_text, under

JTOP_SOCKET = "run/jtop.sock"
COMMAND_TIMEOUT_S = 5.0


def jetson(settings, stats) -> List[Check]:
    """Board, power mode, jetson_clocks, jtop and the right to change clocks (``stats``: sysfs)."""
    if not stats.is_jetson:
        return [Check("jetson", OK, "not a Jetson: nothing to check")]
    checks = [Check("board", OK, f"{stats.board or 'unknown'}, L4T {stats.l4t_release}")]
    checks.append(_power_mode(settings))
    gpu = stats.gpu
    if gpu is None:
        checks.append(Check("jetson_clocks", WARN, "no GPU devfreq node found"))
    elif gpu.locked:
        checks.append(Check("jetson_clocks", OK, f"running: GPU at {gpu.cur_hz / 1e6:.0f} MHz"))
    else:
        checks.append(
            Check(
                "jetson_clocks",
                WARN,
                f"inactive: GPU at {gpu.cur_hz / 1e6:.0f} of {gpu.max_hz / 1e6:.0f} MHz",
                "keep jetson_performance_node running, or: sudo jetson_clocks",
            )
        )
    checks += _clock_rights(settings.sysfs_root)
    return checks


def _power_mode(settings) -> Check:
    backend = CommandBackend(settings.nvpmodel_cmd, settings.jetson_clocks_cmd, COMMAND_TIMEOUT_S)
    try:
        current = backend.power_mode()
        text = read_text(under(settings.sysfs_root, settings.nvpmodel_conf)) or ""
        target = target_mode(parse_conf(text), settings.power_mode)
    except (ControlError, ValueError) as exc:
        return Check("power mode", WARN, str(exc), "check nvpmodel and /etc/nvpmodel.conf")
    if current.id == target.id:
        return Check("power mode", OK, current.name)
    return Check(
        "power mode",
        WARN,
        f"{current.name}, expected {target.name}",
        f"keep jetson_performance_node running, or: sudo nvpmodel -m {target.id}",
    )


def _clock_rights(root: str) -> List[Check]:
    socket = under(root, JTOP_SOCKET)
    user = pwd.getpwuid(os.getuid()).pw_name
    try:
        jtop_members = set(grp.getgrnam("jtop").gr_mem)
    except KeyError:
        jtop_members = set()
    in_jtop = user in jtop_members
    checks = [
        Check("jtop service", OK, socket)
        if os.path.exists(socket)
        else Check("jtop service", WARN, f"no {socket}", "sudo pip3 install jetson-stats")
    ]
    if os.geteuid() == 0:
        checks.append(Check("clock rights", OK, "running as root"))
    elif in_jtop and os.path.exists(socket):
        checks.append(Check("clock rights", OK, f"{user} is in the jtop group"))
    else:
        checks.append(Check("clock rights", FAIL, f"{user} cannot change clocks", PERMISSION_HINT))
    return checks
