# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""ROS 2 nodes: thin rclpy shells over the engine, speech and Jetson layers."""
