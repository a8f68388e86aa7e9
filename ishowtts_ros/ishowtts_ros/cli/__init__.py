# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Command-line tools (console scripts)."""
