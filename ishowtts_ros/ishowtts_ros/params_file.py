# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""``config/ishowtts.yaml``, written from the parameter tables.

python -m ishowtts_ros.params_file > ishowtts_ros/config/ishowtts.yaml
"""

from __future__ import annotations

from ishowtts_ros.jetson.settings import JETSON_PARAMS, JetsonSettings
from ishowtts_ros.parameters import yaml_lines
from ishowtts_ros.speech.settings import TTS_NODE_SETTINGS

HEADER = """\
# ROS parameters of ishowtts_ros (ros2 launch ishowtts_ros ishowtts.launch.py).
# Defaults as the nodes have them, each with its meaning, range or choices; "start-up only"
# ones are read-only while the node runs (ros2 param describe /tts_node nfe_step).
# "/**/" matches the nodes in any namespace (launch argument namespace:=robot1).
# Written by: python -m ishowtts_ros.params_file > ishowtts_ros/config/ishowtts.yaml
"""


def params_yaml() -> str:
    """Both nodes' parameters with their defaults and comments, as a ROS params file."""
    lines = [HEADER.rstrip("\n"), "/**/tts_node:", "  ros__parameters:"]
    for settings_class, table in TTS_NODE_SETTINGS:
        lines += yaml_lines(settings_class, table, "    ")
    lines += ["", "/**/jetson_performance_node:", "  ros__parameters:"]
    lines += yaml_lines(JetsonSettings, JETSON_PARAMS, "    ")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(params_yaml(), end="")
