#!/usr/bin/env bash
# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT
# Quick pass on another Python (default 3.12): the tests that need no torch
# (config, text, normalisation, lint, Jetson layer, launch helpers, sound requests), in a
# light venv of their own.
#
#   bash scripts/test_quick.sh [PYTHON] [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/find_python.sh
PYTHON=$(find_python "${1:-3.12}") || { echo "test_quick: no Python ${1:-3.12} found" >&2; exit 2; }
[ $# -gt 0 ] && shift
VERSION=$(python_version "$PYTHON")
VENV=".venv-py$VERSION"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
touch "$VENV/COLCON_IGNORE"
PIP=("$VENV/bin/python" -m pip install --quiet --disable-pip-version-check)
stamp="$VENV/.requirements.sha256"
RUNTIME=ishowtts_ros/ishowtts_ros/requirements.txt
CLIENT=ishowtts_ros/ishowtts_ros/requirements-client.txt  # the torch-free part of it
digest=$(cat requirements-test.txt "$RUNTIME" "$CLIENT" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$digest" ]; then
  echo "[test_quick] Python $VERSION: installing the torch-free test tier"
  "${PIP[@]}" --upgrade "pip>=25"
  "${PIP[@]}" -r requirements-test.txt -r "$CLIENT" numpy
  # f5-tts without its dependencies: only for the vocab file it ships
  "${PIP[@]}" --no-deps "$(grep -E '^f5-tts==' "$RUNTIME")"
  echo "$digest" > "$stamp"
fi
export PYTHONPATH="$PWD/ishowtts_ros${PYTHONPATH:+:$PYTHONPATH}"
exec "$VENV/bin/python" -m pytest -m no_torch -p no:cacheprovider "$@"
