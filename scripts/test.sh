#!/usr/bin/env bash
# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT
# Run the test suite (after scripts/setup.sh). Extra arguments go to pytest.
# Test files run in ISHOWTTS_TEST_WORKERS parallel processes (default 2; 0 = one process):
# most tests wait on real time (audio paced as it plays, discovery), so two share two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ros_env.sh
workers=${ISHOWTTS_TEST_WORKERS:-2}
parallel=()
[ "$workers" != 0 ] && parallel=(-n "$workers" --dist loadfile)
exec python -m pytest -p no:cacheprovider "${parallel[@]}" "$@"
