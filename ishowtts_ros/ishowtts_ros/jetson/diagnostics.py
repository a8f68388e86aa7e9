# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Jetson diagnostics, one status per concern, computed without ROS.

Where ros2_jetson_stats' dashboards read a key for the same fact, the key has its name
too ("NV Power-Mode", "NV Power-ID", "jetson_clocks").
"""

from __future__ import annotations

from typing import List

from ishowtts_ros.jetson.enforce import ControlState
from ishowtts_ros.jetson.state import JetsonStats
from ishowtts_ros.status import ERROR, OK, WARN, StatusReport

PREFIX = "jetson_performance_node: "
MEMORY_WARN_PERCENT = 90.0


def jetson_statuses(
    stats: JetsonStats, control: ControlState, temp_warn_c: float, temp_error_c: float
) -> List[StatusReport]:
    """Power mode, clocks, temperatures, power, memory and backend, for rqt."""
    if not stats.is_jetson:
        return [
            StatusReport(
                WARN,
                "not a Jetson: nothing to enforce",
                [("board", stats.board or "unknown")],
                PREFIX + "board",
            )
        ]
    return [
        _power_mode(control),
        _clocks(stats, control, temp_warn_c),
        _temperatures(stats, temp_warn_c, temp_error_c),
        _power(stats),
        _memory(stats),
        _backend(control),
    ]


def _power_mode(control: ControlState) -> StatusReport:
    target = control.target.name if control.target else "unknown"
    current = control.current.name if control.current else "unknown"
    values = [
        ("target", target),
        ("current", current),
        ("NV Power-Mode", current),
        ("NV Power-ID", str(control.current.id) if control.current else "unknown"),
        ("enforcing", str(control.enforcing)),
        ("re-asserted", str(control.reasserted)),
        ("failed in a row", str(control.failures)),
    ]
    if control.error:
        return StatusReport(ERROR, control.error, values, PREFIX + "power mode")
    if control.unknown_mode:
        return StatusReport(WARN, control.unknown_mode, values, PREFIX + "power mode")
    if (
        control.enforcing
        and control.target
        and (not control.current or control.current.id != control.target.id)
    ):
        return StatusReport(
            ERROR, f"power mode {current}, expected {target}", values, PREFIX + "power mode"
        )
    return StatusReport(OK, current, values, PREFIX + "power mode")


def _clocks(stats: JetsonStats, control: ControlState, temp_warn_c: float) -> StatusReport:
    gpu = stats.gpu
    if gpu is None:
        return StatusReport(WARN, "no GPU devfreq node found", [], PREFIX + "clocks")
    values = [
        ("jetson_clocks", "running" if gpu.locked else "inactive"),
        ("gpu node", gpu.name),
        ("gpu MHz", f"{gpu.cur_hz / 1e6:.0f}"),
        ("gpu min MHz", f"{gpu.min_hz / 1e6:.0f}"),
        ("gpu max MHz", f"{gpu.max_hz / 1e6:.0f}"),
        ("gpu load %", "n/a" if gpu.load_percent is None else f"{gpu.load_percent:.1f}"),
    ]
    values += [
        (f"cpu{c.index}", f"{(c.cur_khz or 0) / 1000:.0f} MHz" if c.online else "offline")
        for c in stats.cpus
    ]
    hottest = max(stats.thermal, key=lambda z: z.celsius, default=None)
    heat = f"hottest {hottest.name} {hottest.celsius:.1f} °C" if hottest else "no thermal zones"
    speed = f"GPU at {gpu.cur_hz / 1e6:.0f} MHz of {gpu.max_hz / 1e6:.0f} MHz"
    hot = hottest is not None and hottest.celsius >= temp_warn_c
    if not gpu.at_max and (gpu.locked or hot):  # jetson_clocks cannot help here
        return StatusReport(WARN, f"throttled: {speed}, {heat}", values, PREFIX + "clocks")
    if not gpu.locked:
        level = ERROR if control.enforcing else WARN
        return StatusReport(level, f"jetson_clocks off: {speed}", values, PREFIX + "clocks")
    return StatusReport(OK, f"GPU at max {gpu.max_hz / 1e6:.0f} MHz", values, PREFIX + "clocks")


def _temperatures(stats: JetsonStats, warn_c: float, error_c: float) -> StatusReport:
    values = [(zone.name, f"{zone.celsius:.1f}") for zone in stats.thermal]
    hottest = max(stats.thermal, key=lambda z: z.celsius, default=None)
    if hottest is None:
        return StatusReport(WARN, "no thermal zones", values, PREFIX + "temperatures")
    message = f"hottest {hottest.name} {hottest.celsius:.1f} °C"
    level = ERROR if hottest.celsius >= error_c else WARN if hottest.celsius >= warn_c else OK
    return StatusReport(level, message, values, PREFIX + "temperatures")


def _power(stats: JetsonStats) -> StatusReport:
    values = [(rail.name, f"{rail.milliwatts:.0f} mW") for rail in stats.power]
    total = sum(rail.milliwatts for rail in stats.power)
    return StatusReport(
        OK,
        f"{total / 1000:.1f} W on {len(stats.power)} rails" if stats.power else "no power rails",
        values,
        PREFIX + "power",
    )


def _memory(stats: JetsonStats) -> StatusReport:
    memory = stats.memory
    used = memory.ram_used_percent
    values = [
        ("ram total MB", f"{memory.ram_total_kb / 1024:.0f}"),
        ("ram used %", f"{used:.1f}"),
        ("swap total MB", f"{memory.swap_total_kb / 1024:.0f}"),
        ("swap used MB", f"{(memory.swap_total_kb - memory.swap_free_kb) / 1024:.0f}"),
        ("fan %", "n/a" if stats.fan_percent is None else f"{stats.fan_percent:.0f}"),
    ]
    level = WARN if used >= MEMORY_WARN_PERCENT else OK
    return StatusReport(level, f"RAM {used:.0f} % used", values, PREFIX + "memory")


def _backend(control: ControlState) -> StatusReport:
    values = [("backend", control.backend), ("clocks stored", str(control.stored))]
    return StatusReport(OK, control.backend, values, PREFIX + "backend")
