# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""ishowtts_ros: text on a ROS 2 topic in, speech in a cloned voice out."""

__version__ = "0.1.0"
