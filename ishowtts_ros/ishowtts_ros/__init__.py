# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""ishowtts_ros: text on a ROS 2 topic in, speech in a cloned voice out."""

from ishowtts_ros.openmp_waits import prefer_passive_waits

__version__ = "0.1.0"

# Here, before any of our modules can load torch: its OpenMP library reads this only at load.
prefer_passive_waits()
