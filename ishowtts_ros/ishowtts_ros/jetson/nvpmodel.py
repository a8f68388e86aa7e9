# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Power modes: the ones /etc/nvpmodel.conf defines, the current one, the one wanted."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional

MODE_LINE = re.compile(r"<\s*POWER_MODEL\s+ID=(\d+)\s+NAME=([^\s>]+)\s*>")


@dataclass(frozen=True)
class PowerMode:
    id: int
    name: str


def parse_conf(text: str) -> List[PowerMode]:
    """List the ``< POWER_MODEL ID=0 NAME=MAXN >`` entries of an nvpmodel.conf."""
    return [PowerMode(int(i), name) for i, name in MODE_LINE.findall(text)]


def parse_query(output: str) -> Optional[PowerMode]:
    """``nvpmodel -q`` output: ``NV Power Mode: MAXN`` then the mode id on its own line."""
    name = re.search(r"NV Power Mode:\s*(\S+)", output)
    number = re.search(r"^\s*(\d+)\s*$", output, re.MULTILINE)
    if not name:
        return None
    return PowerMode(int(number.group(1)) if number else -1, name.group(1))


def target_mode(modes: List[PowerMode], wanted: str) -> PowerMode:
    """Pick the mode to enforce: ``wanted`` (a name or an id), or MAXN when empty."""
    if not modes:
        raise ValueError("no POWER_MODEL entries in nvpmodel.conf: set power_mode to a mode id")
    if wanted:
        for mode in modes:
            if wanted == mode.name or wanted == str(mode.id):
                return mode
        raise ValueError(
            f"power_mode {wanted!r} is not in nvpmodel.conf "
            f"(modes: {', '.join(f'{m.id}={m.name}' for m in modes)})"
        )
    maxn = [m for m in modes if m.name.upper().startswith("MAXN")]
    if not maxn:
        raise ValueError(
            f"no MAXN mode in nvpmodel.conf (modes: {', '.join(m.name for m in modes)}); "
            "set power_mode"
        )
    return min(maxn, key=lambda m: (m.name.upper() != "MAXN", m.id))
