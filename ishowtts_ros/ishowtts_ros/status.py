# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""A diagnostic status as plain data: what nodes publish as diagnostic_msgs/DiagnosticStatus."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Tuple

OK, WARN, ERROR = 0, 1, 2


@dataclass
class StatusReport:
    level: int
    message: str
    values: List[Tuple[str, str]]
    name: str = ""
