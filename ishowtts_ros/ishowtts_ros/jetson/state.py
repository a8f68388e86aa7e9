# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""What a Jetson looks like at one moment, as plain dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional


@dataclass
class GpuState:
    name: str
    cur_hz: int
    min_hz: int
    max_hz: int
    load_percent: Optional[float] = None

    @property
    def at_max(self) -> bool:
        return self.cur_hz >= self.max_hz

    @property
    def locked(self) -> bool:
        """jetson_clocks is on: it raises the minimum frequency to the maximum."""
        return self.min_hz >= self.max_hz


@dataclass
class CpuCore:
    index: int
    online: bool
    cur_khz: Optional[int] = None


@dataclass
class ThermalZone:
    name: str
    celsius: float


@dataclass
class PowerRail:
    name: str
    milliwatts: float


@dataclass
class MemoryState:
    ram_total_kb: int = 0
    ram_available_kb: int = 0
    swap_total_kb: int = 0
    swap_free_kb: int = 0

    @property
    def ram_used_percent(self) -> float:
        if not self.ram_total_kb:
            return 0.0
        return 100.0 * (self.ram_total_kb - self.ram_available_kb) / self.ram_total_kb


@dataclass
class JetsonStats:
    board: str = ""
    l4t_release: str = ""
    gpu: Optional[GpuState] = None
    cpus: List[CpuCore] = field(default_factory=list)
    thermal: List[ThermalZone] = field(default_factory=list)
    power: List[PowerRail] = field(default_factory=list)
    memory: MemoryState = field(default_factory=MemoryState)
    fan_percent: Optional[float] = None

    @property
    def is_jetson(self) -> bool:
        return bool(self.l4t_release) or self.gpu is not None
