# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Speaking service logic: queue, worker, statistics, diagnostics. No ROS, no torch."""
