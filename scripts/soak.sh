#!/usr/bin/env bash
# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT
# Soak benchmark: tts_node in its own process, many texts over loopback-only DDS.
#
#   bash scripts/soak.sh [--texts 1000] [--params-file FILE] [--sound-card none|null|system]
#                        [-p name:=value ...]
#
# The node runs on its params file's values (the shipped defaults where it sets none).
# Speech is published at real-time pace: 1,000 texts of the robot mix take about 3 hours;
# --sound-card null plays them on a card that swallows audio at once (synthesis speed).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ros_env.sh
exec python -m ishowtts_ros.bench.soak "$@"
