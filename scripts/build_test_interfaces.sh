#!/usr/bin/env bash
# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT
# Build the test-only audio_common_msgs copy (test/interfaces) into build/test_interfaces,
# for machines where the released package is not installed (PyPI's ROS wheels lack it).
# Robots use `apt install ros-$ROS_DISTRO-audio-common-msgs` instead.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="$ROOT/.venv"
OUT="$ROOT/build/test_interfaces"
[ -f "$OUT/install/audio_common_msgs/share/audio_common_msgs/package.xml" ] && exit 0

# The ROS wheels' CMake files name the include folders of the machine that built them:
# point those names at this interpreter's and numpy's include folders.
tag=$("$VENV/bin/python" -c 'import sys; print("cp%d%d" % sys.version_info[:2])')
version=$("$VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
python_include=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
numpy_include=$("$VENV/bin/python" -c 'import numpy; print(numpy.get_include())')
base="/opt/python/$tag-$tag"
for pair in "$base/include/python$version=$python_include" \
            "$base/lib/python$version/site-packages/numpy/_core/include=$numpy_include"; do
  link=${pair%%=*}; target=${pair#*=}
  if [ ! -e "$link" ]; then
    mkdir -p "$(dirname "$link")" && ln -s "$target" "$link" || {
      echo "build_test_interfaces: cannot create $link (run as root, or ln -s $target $link)" >&2; exit 2; }
  fi
done

rm -rf "$OUT" && mkdir -p "$OUT/src"
cp -r test/interfaces/audio_common_msgs "$OUT/src/"
(
  cd "$OUT"
  export AMENT_PREFIX_PATH="$VENV" CMAKE_PREFIX_PATH="$VENV" PATH="$VENV/bin:$PATH"
  colcon --log-base log build --base-paths src --cmake-args -DBUILD_TESTING=OFF \
    -DPython3_EXECUTABLE="$VENV/bin/python" --event-handlers console_cohesion- summary- >/dev/null
) || { echo "build_test_interfaces: colcon build failed (see $OUT/log)" >&2; exit 1; }
echo "[setup] built test interfaces (audio_common_msgs) in $OUT"
