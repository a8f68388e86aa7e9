#!/usr/bin/env bash
# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT
# Run the test suite (after scripts/setup.sh). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
. .venv/bin/activate
. scripts/ros_env.sh
export AMENT_PREFIX_PATH="${AMENT_PREFIX_PATH:-$VIRTUAL_ENV}"
# The test-only audio_common_msgs copy, where setup built one.
if [ -f build/test_interfaces/install/setup.bash ]; then
  set +u
  . build/test_interfaces/install/setup.bash
  set -u
fi
exec python -m pytest -p no:cacheprovider "$@"
