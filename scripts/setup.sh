#!/usr/bin/env bash
# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT
# Set up everything in .venv at the repository root and build the ROS 2 package.
#
#   bash scripts/setup.sh [PYTHON]
#
# PYTHON: an interpreter path or a version such as 3.12. Default: Python 3.10 (what
# JetPack 6 / ROS 2 Humble run) when present, else the newest Python >= 3.10.
# A sourced ROS 2 (ROS_DISTRO set) provides rclpy; otherwise the PyPI wheels do (x86_64).
# Running it again is fast: installs are skipped while the requirement files are unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="$ROOT/.venv"
log() { printf '[setup] %s\n' "$*"; }

. scripts/find_python.sh

PYTHON=$(find_python "${1:-${ISHOWTTS_PYTHON:-}}") || {
  echo "setup: no Python ${1:-${ISHOWTTS_PYTHON:->= 3.10}} found (install it, or pass its path)" >&2; exit 2; }
VERSION=$(python_version "$PYTHON")
log "Python $VERSION ($PYTHON)"

# Debian packages: PortAudio for local playback (sounddevice), systemd-analyze for unit checks.
need_apt=()
dpkg -s libportaudio2 >/dev/null 2>&1 || need_apt+=(libportaudio2)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "apt-get install ${need_apt[*]}"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    log "WARNING: please install ${need_apt[*]} (sudo apt-get install ${need_apt[*]}); local playback needs it"
  fi
fi

if [ -x "$VENV/bin/python" ] && [ "$(python_version "$VENV/bin/python")" != "$VERSION" ]; then
  log "replacing .venv (Python $(python_version "$VENV/bin/python") -> $VERSION)"
  rm -rf "$VENV"
fi
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
  # pip >= 25 installs editable projects as PEP 660 wheels: console scripts go to .venv/bin.
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "pip>=25"
fi
touch "$VENV/COLCON_IGNORE"  # keep colcon from crawling the virtual environment
PIP=("$VENV/bin/python" -m pip install --quiet --disable-pip-version-check)

requirement_files=(requirements.txt requirements-test.txt)
if [ -n "${ROS_DISTRO:-}" ] && "$VENV/bin/python" -c 'import rclpy' 2>/dev/null; then
  log "using the sourced ROS 2 $ROS_DISTRO"
else
  [ "$(uname -m)" = x86_64 ] || {
    echo "setup: source your ROS 2 setup.bash first (PyPI's ROS wheels are x86_64 only)" >&2; exit 2; }
  requirement_files+=(requirements-ros.txt)
fi
stamp="$VENV/.requirements.sha256"
digest=$(cat "${requirement_files[@]}" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$digest" ]; then
  log "pip install ${requirement_files[*]} (first run: a few minutes)"
  args=()
  for file in "${requirement_files[@]}"; do args+=(-r "$file"); done
  "${PIP[@]}" "${args[@]}"
  echo "$digest" > "$stamp"
fi
"${PIP[@]}" --no-deps -e . >/dev/null  # PEP 660: console scripts in .venv/bin

log "colcon build"
(
  export AMENT_PREFIX_PATH="${AMENT_PREFIX_PATH:-$VENV}" PATH="$VENV/bin:$PATH"
  colcon --log-base log build --base-paths . --build-base build --install-base install \
    --event-handlers console_cohesion- summary- >/dev/null
) || { echo "setup: colcon build failed (see log/latest_build)" >&2; exit 1; }
if ! "$VENV/bin/python" -c 'import audio_common_msgs, sound_play_msgs' 2>/dev/null && [ -z "${ROS_DISTRO:-}" ]; then
  bash scripts/build_test_interfaces.sh  # the tests' stand-in for the apt package
fi
log "ready: . .venv/bin/activate   (ROS: . install/setup.bash)"
