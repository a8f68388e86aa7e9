# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Declare a node's parameters from its settings dataclass and table (one source)."""

from __future__ import annotations

from typing import Mapping

import rclpy
from rcl_interfaces.msg import FloatingPointRange, IntegerRange, ParameterDescriptor
from rclpy.parameter import Parameter

from ishowtts_ros.parameters import Param, defaults


def descriptor(name: str, default, param: Param) -> ParameterDescriptor:
    """Build the ROS descriptor: description, read-only unless runtime, range or choices."""
    result = ParameterDescriptor(
        name=name, description=param.description, read_only=not param.runtime
    )
    if param.choices:
        result.additional_constraints = "one of: " + ", ".join(param.choices)
    elif param.low is not None and isinstance(default, int):
        result.integer_range = [
            IntegerRange(from_value=int(param.low), to_value=int(param.high), step=1)
        ]
    elif param.low is not None:
        result.floating_point_range = [
            FloatingPointRange(from_value=float(param.low), to_value=float(param.high))
        ]
    return result


def declare_parameters(node, settings_class, table: Mapping[str, Param]) -> dict:
    """Declare every field of ``settings_class``; return the values given at start."""
    values = {}
    for name, default in defaults(settings_class).items():
        # An empty list has no type of its own: declare it as a string array.
        value = Parameter.Type.STRING_ARRAY if default == [] else default
        node.declare_parameter(name, value, descriptor(name, default, table[name]))
        try:
            values[name] = node.get_parameter(name).value
        except rclpy.exceptions.ParameterUninitializedException:
            values[name] = default
    return values
