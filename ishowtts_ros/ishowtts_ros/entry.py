# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Imported first by each of our nodes and tools: settings for their own process.

Not done when the package is imported: a launch file, or an app, that imports it must not
change the environment of the processes it starts (every node of a robot's bringup).
"""

from ishowtts_ros.openmp_waits import prefer_passive_waits

prefer_passive_waits()  # before torch loads: its OpenMP library reads the policy only then
