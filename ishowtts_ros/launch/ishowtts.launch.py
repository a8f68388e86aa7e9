# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Start tts_node and jetson_performance_node with the package's parameters.

    ros2 launch ishowtts_ros ishowtts.launch.py namespace:=robot1 nfe_step:=8

What this file computes lives in ``ishowtts_ros.launch_helpers`` (tested without launch).
"""

from ament_index_python.packages import get_package_share_directory
from launch import LaunchDescription
from launch.actions import DeclareLaunchArgument, OpaqueFunction
from launch.substitutions import LaunchConfiguration
from launch_ros.actions import Node

from ishowtts_ros.launch_helpers import LAUNCH_ARGUMENTS, PACKAGE, node_configs


def _nodes(context):
    values = {arg.name: LaunchConfiguration(arg.name).perform(context) for arg in LAUNCH_ARGUMENTS}
    return [
        Node(**config) for config in node_configs(values, get_package_share_directory(PACKAGE))
    ]


def generate_launch_description():
    arguments = [
        DeclareLaunchArgument(arg.name, default_value=arg.default, description=arg.description)
        for arg in LAUNCH_ARGUMENTS
    ]
    return LaunchDescription(arguments + [OpaqueFunction(function=_nodes)])
