#!/usr/bin/env bash
# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT
# Build the test-only copies of audio_common_msgs and sound_play_msgs
# (ishowtts_ros/test/interfaces) into build/test_interfaces, for machines where the released
# packages are not installed (PyPI's ROS wheels lack them). Robots use
# `apt install ros-$ROS_DISTRO-audio-common-msgs ros-$ROS_DISTRO-sound-play-msgs` instead.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT="${ISHOWTTS_INTERFACES_OUT:-$ROOT/build/test_interfaces}"
PACKAGES=(audio_common_msgs sound_play_msgs)
built=1
for package in "${PACKAGES[@]}"; do
  [ -f "$OUT/install/$package/share/$package/package.xml" ] || built=0
done
[ $built = 1 ] && exit 0

rm -rf "$OUT" && mkdir -p "$OUT/src"
for package in "${PACKAGES[@]}"; do cp -r "ishowtts_ros/test/interfaces/$package" "$OUT/src/"; done
COLCON_LOG_BASE="$OUT/log" bash scripts/colcon_build.sh --base-paths "$OUT/src" \
  --build-base "$OUT/build" --install-base "$OUT/install" \
  --event-handlers console_cohesion- summary- >/dev/null \
  || { echo "build_test_interfaces: colcon build failed (see $OUT/log)" >&2; exit 1; }
echo "[setup] built test interfaces (${PACKAGES[*]}) in $OUT"
