# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Benchmarks: speed, latency and memory of the engine, side by side with upstream f5-tts."""
