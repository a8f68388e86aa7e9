#!/usr/bin/env bash
# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT
# Boot benchmark: tts_node started three times (uncompiled, cold compile cache, warm cache);
# start to first audio of a text sent at start, and start to every bucket compiled.
#
#   bash scripts/boot.sh [--params-file FILE] [-p name:=value ...]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ros_env.sh
exec python -m ishowtts_ros.bench.boot "$@"
