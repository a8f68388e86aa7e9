# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Read a Jetson's state from sysfs, procfs and /etc, every path under ``root``.

Devices are found by glob, not by one hard-coded path: the GPU's devfreq node is
``17000000.ga10b`` or ``17000000.gpu`` on Orin (with a ``gpu-gpc-0`` node on newer
releases), ``17000000.gv11b`` on Xavier, and differs again on Thor.
"""

from __future__ import annotations

import glob
import os
import re
from typing import List, Optional

from ishowtts_ros.jetson.state import (
    CpuCore,
    GpuState,
    JetsonStats,
    MemoryState,
    PowerRail,
    ThermalZone,
)

GPU_DEVFREQ_NAMES = re.compile(r"(ga10b|gv11b|gp10b|gb10b|gpu)", re.IGNORECASE)
MAX_READ_BYTES = 64 * 1024


def read_text(path: str) -> Optional[str]:
    """Return a small file's stripped content, or None when absent or unreadable."""
    try:
        with open(path, "rb") as stream:
            return stream.read(MAX_READ_BYTES).decode("utf-8", "replace").strip("\x00 \n\t")
    except OSError:
        return None


def read_int(path: str) -> Optional[int]:
    text = read_text(path)
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def under(root: str, path: str) -> str:
    return os.path.join(root, path.lstrip("/"))


def read_gpu(root: str) -> Optional[GpuState]:
    """Read the GPU's devfreq node: current/min/max frequency and load."""
    candidates = sorted(glob.glob(under(root, "sys/class/devfreq/*")))
    nodes = [p for p in candidates if GPU_DEVFREQ_NAMES.search(os.path.basename(p))]
    # Prefer the whole-GPU node over per-GPC nodes (gpu-gpc-0) when both exist.
    nodes.sort(key=lambda p: "gpc" in os.path.basename(p))
    for node in nodes:
        cur, low, high = (
            read_int(os.path.join(node, f)) for f in ("cur_freq", "min_freq", "max_freq")
        )
        if cur is None or high is None:
            continue
        load = None
        for load_path in (
            os.path.join(node, "device", "load"),
            under(root, "sys/devices/gpu.0/load"),
            under(root, "sys/devices/platform/gpu.0/load"),
        ):
            raw = read_int(load_path)
            if raw is not None:
                load = raw / 10.0  # per mille
                break
        return GpuState(os.path.basename(node), cur, low or 0, high, load)
    return None


def read_cpus(root: str) -> List[CpuCore]:
    cores = []
    for path in glob.glob(under(root, "sys/devices/system/cpu/cpu[0-9]*")):
        index = int(re.search(r"cpu(\d+)$", path).group(1))
        online = read_int(os.path.join(path, "online"))
        cores.append(
            CpuCore(
                index,
                online != 0,  # cpu0 has no "online" file: always on
                read_int(os.path.join(path, "cpufreq", "scaling_cur_freq")),
            )
        )
    return sorted(cores, key=lambda c: c.index)


def read_thermal(root: str) -> List[ThermalZone]:
    zones = []
    for path in sorted(glob.glob(under(root, "sys/class/thermal/thermal_zone*"))):
        name, milli = read_text(os.path.join(path, "type")), read_int(os.path.join(path, "temp"))
        if name and milli is not None and milli > -40000:  # -256 °C marks an absent sensor
            zones.append(ThermalZone(name, milli / 1000.0))
    return zones


def read_power(root: str) -> List[PowerRail]:
    """INA3221 rails: ``inN_label``, ``inN_input`` (mV) and ``currN_input`` (mA)."""
    rails = []
    pattern = under(root, "sys/bus/i2c/drivers/ina3221/*/hwmon/hwmon*/in*_label")
    for label_path in sorted(glob.glob(pattern)):
        channel = re.search(r"in(\d+)_label$", label_path).group(1)
        folder = os.path.dirname(label_path)
        millivolts = read_int(os.path.join(folder, f"in{channel}_input"))
        milliamps = read_int(os.path.join(folder, f"curr{channel}_input"))
        name = read_text(label_path)
        if name and millivolts is not None and milliamps is not None:
            rails.append(PowerRail(name, millivolts * milliamps / 1000.0))
    return rails


def read_memory(root: str) -> MemoryState:
    values = {}
    for line in (read_text(under(root, "proc/meminfo")) or "").splitlines():
        key, _, rest = line.partition(":")
        number = rest.split()
        if number and number[0].isdigit():
            values[key] = int(number[0])
    return MemoryState(
        values.get("MemTotal", 0),
        values.get("MemAvailable", 0),
        values.get("SwapTotal", 0),
        values.get("SwapFree", 0),
    )


def read_fan(root: str) -> Optional[float]:
    for folder in sorted(glob.glob(under(root, "sys/class/hwmon/hwmon*"))):
        if "fan" in (read_text(os.path.join(folder, "name")) or ""):
            pwm = read_int(os.path.join(folder, "pwm1"))
            if pwm is not None:
                return 100.0 * pwm / 255.0
    return None


def read_board(root: str) -> tuple:
    """Board model (device tree) and L4T release (``# R36 (release), REVISION: 4.0``)."""
    model = read_text(under(root, "proc/device-tree/model")) or ""
    release = ""
    first = (read_text(under(root, "etc/nv_tegra_release")) or "").splitlines()[:1]
    if first:
        match = re.search(r"R(\d+)\s*\(release\),\s*REVISION:\s*([\d.]+)", first[0])
        release = f"{match.group(1)}.{match.group(2)}" if match else first[0].lstrip("# ")
    return model, release


def read_stats(root: str = "/") -> JetsonStats:
    """Everything at once."""
    board, release = read_board(root)
    return JetsonStats(
        board=board,
        l4t_release=release,
        gpu=read_gpu(root),
        cpus=read_cpus(root),
        thermal=read_thermal(root),
        power=read_power(root),
        memory=read_memory(root),
        fan_percent=read_fan(root),
    )
