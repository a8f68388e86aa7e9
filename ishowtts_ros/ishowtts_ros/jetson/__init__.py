# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Jetson performance: read clocks, temperatures, power and memory; enforce MAXN.

Plain Python: no ROS, no torch. Every path is taken under a root folder, so that tests
can point it at a fake tree.
"""
