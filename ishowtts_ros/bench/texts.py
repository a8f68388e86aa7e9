# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The texts every benchmark speaks."""

# The reference system's quick-performance-test text.
REFERENCE = (
    "Hello world, this is a quick test of the optimized TTS system with additional text to "
    "match the longer audio duration used in the quick performance test for more accurate "
    "RTF measurements."
)
SHORT = "Turning left now."
PARAGRAPH = (
    "The package has arrived at the front desk. Please collect it before five o'clock today. "
    "If you need help carrying it, ask the robot at the entrance."
)
