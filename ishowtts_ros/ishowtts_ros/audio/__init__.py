# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Audio sinks and helpers: WAV files, local playback, resampling. No ROS."""
