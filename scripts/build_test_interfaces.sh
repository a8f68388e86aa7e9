#!/usr/bin/env bash
# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT
# Build the test-only copies of audio_common_msgs and sound_play_msgs (test/interfaces) into
# build/test_interfaces, for machines where the released packages are not installed
# (PyPI's ROS wheels lack them). Robots use
# `apt install ros-$ROS_DISTRO-audio-common-msgs ros-$ROS_DISTRO-sound-play-msgs` instead.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="$ROOT/.venv"
OUT="${ISHOWTTS_INTERFACES_OUT:-$ROOT/build/test_interfaces}"
PACKAGES=(audio_common_msgs sound_play_msgs)
built=1
for package in "${PACKAGES[@]}"; do
  [ -f "$OUT/install/$package/share/$package/package.xml" ] || built=0
done
[ $built = 1 ] && exit 0

python_include=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
numpy_include=$("$VENV/bin/python" -c 'import numpy; print(numpy.get_include())')

rm -rf "$OUT" && mkdir -p "$OUT/src"
for package in "${PACKAGES[@]}"; do cp -r "test/interfaces/$package" "$OUT/src/"; done
(
  cd "$OUT"
  export AMENT_PREFIX_PATH="$VENV" CMAKE_PREFIX_PATH="$VENV" PATH="$VENV/bin:$PATH"
  # The ROS wheels' CMake files name include folders of the machine that built them;
  # python_includes.cmake points them at this interpreter's (nothing is written elsewhere).
  colcon --log-base log build --base-paths src --cmake-args -DBUILD_TESTING=OFF \
    -DPython3_EXECUTABLE="$VENV/bin/python" \
    -DCMAKE_PROJECT_INCLUDE="$ROOT/test/interfaces/python_includes.cmake" \
    -DISHOWTTS_PYTHON_INCLUDE="$python_include" -DISHOWTTS_NUMPY_INCLUDE="$numpy_include" \
    --event-handlers console_cohesion- summary- >/dev/null
) || { echo "build_test_interfaces: colcon build failed (see $OUT/log)" >&2; exit 1; }
echo "[setup] built test interfaces (${PACKAGES[*]}) in $OUT"
