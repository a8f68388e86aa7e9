#!/usr/bin/env bash
# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT
# colcon build, against the sourced ROS 2 or else against PyPI's ROS wheels in .venv (whose
# CMake files name the include folders of the machine that built them: python_includes.cmake
# points them at this interpreter's). Arguments go to `colcon build`.
#
#   bash scripts/colcon_build.sh --base-paths . [colcon build arguments...]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV="$ROOT/.venv"
export PATH="$VENV/bin:$PATH"
cmake_args=(-DBUILD_TESTING=OFF)
if [ -z "${ROS_DISTRO:-}" ]; then
  export AMENT_PREFIX_PATH="${AMENT_PREFIX_PATH:-$VENV}" CMAKE_PREFIX_PATH="${CMAKE_PREFIX_PATH:-$VENV}"
  cmake_args+=(
    -DPython3_EXECUTABLE="$VENV/bin/python"
    -DCMAKE_PROJECT_INCLUDE="$ROOT/scripts/python_includes.cmake"
    -DISHOWTTS_PYTHON_INCLUDE="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')"
    -DISHOWTTS_NUMPY_INCLUDE="$("$VENV/bin/python" -c 'import numpy; print(numpy.get_include())')"
  )
fi
exec colcon --log-base "${COLCON_LOG_BASE:-log}" build "$@" --cmake-args "${cmake_args[@]}"
