# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""One table per node: what each parameter means, its range or choices, when it may change.

Defaults live in the settings dataclasses (:class:`~ishowtts_ros.engine.config.EngineConfig`,
:class:`~ishowtts_ros.speech.settings.SpeechSettings`,
:class:`~ishowtts_ros.jetson.settings.JetsonSettings`); everything else about a parameter
lives in its :class:`Param`. Validation, the ROS parameter descriptors, the comments of
``config/ishowtts.yaml`` and the launch arguments' checks are all derived from these two.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple


@dataclass(frozen=True)
class Param:
    """What a parameter means and which values it takes (its default: the dataclass's)."""

    description: str
    runtime: bool = False
    """Changeable while the node runs (else read at start-up only)."""
    low: Optional[float] = None
    high: Optional[float] = None
    choices: Tuple[str, ...] = ()

    def describe_range(self) -> str:
        """``1..64``, ``0.0..10.0`` or ``auto | cpu | cuda``; "" when any value goes."""
        if self.choices:
            return " | ".join(self.choices)
        if self.low is not None:
            return f"{self.low!r}..{self.high!r}"
        return ""


def defaults(settings_class) -> Dict[str, Any]:
    """Every field's default value of a settings dataclass, in field order."""
    values = {}
    for item in dataclasses.fields(settings_class):
        if item.default is not dataclasses.MISSING:
            values[item.name] = item.default
        else:
            values[item.name] = item.default_factory()
    return values


def check(name: str, value: Any, default: Any, param: Param) -> None:
    """Raise ``ValueError`` naming the parameter and the value when it does not fit."""
    kind = type(default)
    if kind is bool:
        fits = isinstance(value, bool)
        wanted = "true or false"
    elif kind is int:
        fits = isinstance(value, int) and not isinstance(value, bool)
        wanted = "an integer"
    elif kind is float:
        fits = isinstance(value, (int, float)) and not isinstance(value, bool)
        wanted = "a number"
    elif kind is str:
        fits = isinstance(value, str)
        wanted = "a string"
    else:  # lists: of ints or of strings
        fits = isinstance(value, (list, tuple))
        wanted = "a list"
    if fits and param.choices and value not in param.choices:
        fits, wanted = False, f"one of {'/'.join(param.choices)}"
    if fits and param.low is not None and not param.low <= value <= param.high:
        fits = False
        wanted = ("an integer" if kind is int else "a number") + f" in {param.describe_range()}"
    if not fits:
        raise ValueError(f"{name} must be {wanted}, got {value!r}")


def check_all(settings, table: Mapping[str, Param]) -> None:
    """Check every field of a settings dataclass instance against its table."""
    for name, default in defaults(type(settings)).items():
        check(name, getattr(settings, name), default, table[name])


def yaml_lines(settings_class, table: Mapping[str, Param], indent: str) -> List[str]:
    """``name: default  # description [range] (start-up only)``, one line per parameter.

    Values are written as JSON, which YAML reads as the same value and type. An empty
    list has no type in a ROS params file, so its line is commented out.
    """
    lines = []
    for name, default in defaults(settings_class).items():
        param = table[name]
        comment = param.description
        if param.describe_range():
            comment += f" [{param.describe_range()}]"
        if not param.runtime:
            comment += " (start-up only)"
        line = f"{name}: {json.dumps(default)}  # {comment}"
        if default == []:
            line = f"# {line} (an empty list cannot be written in a params file)"
        lines.append(indent + line)
    return lines
