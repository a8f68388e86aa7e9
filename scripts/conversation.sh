#!/usr/bin/env bash
# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT
# Conversation benchmark: tts_node in its own process, published audio only; how long the
# audio goes on after tts/interrupt (median of --runs), and a flood with max_queue 1.
#
#   bash scripts/conversation.sh [--runs 20] [--params-file FILE] [-p name:=value ...]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ros_env.sh
exec python -m ishowtts_ros.bench.conversation "$@"
