#!/usr/bin/env bash
# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT
# Soak benchmark: tts_node in its own process, many texts over loopback-only DDS.
#
#   bash scripts/soak.sh [--texts 1000] [--params-file FILE] [-p name:=value ...]
#
# Speech is published at real-time pace, so 1,000 mostly short texts take about an hour.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ros_env.sh
exec python -m ishowtts_ros.bench.soak "$@"
