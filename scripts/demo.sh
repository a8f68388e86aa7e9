#!/usr/bin/env bash
# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT
# The main job: start tts_node and jetson_performance_node, make them say a sentence
# through ROS (tts/text in, tts/audio out), and write what was spoken to hello.wav.
#
#   bash scripts/demo.sh ["text to say"] [--out out.wav]
#
# Real weights come from ishowtts_ros/config/engine.yaml (ckpt_file, vocoder_dir), or from the hub
# with HF_HUB_OFFLINE=0. Without them the same stack runs on a small random-weight test
# model (it says so). ROS traffic stays on this machine (scripts/ros_env.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ros_env.sh
exec ishowtts-demo "$@"
