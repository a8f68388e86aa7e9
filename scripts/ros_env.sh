# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT
# Source me (after scripts/setup.sh): the venv, and a loopback-only ROS 2 environment for
# tests and demos. DDS discovery and traffic stay on this machine (interface lo and shared
# memory), on a domain id of this shell's own.
_ishowtts_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$_ishowtts_root/.venv/bin/activate"
export ROS_AUTOMATIC_DISCOVERY_RANGE=LOCALHOST
export ROS_DOMAIN_ID=${ISHOWTTS_DOMAIN_ID:-$(( ($$ % 90) + 10 ))}
export FASTDDS_DEFAULT_PROFILES_FILE="$_ishowtts_root/ishowtts_ros/test/fastdds_loopback.xml"
export RMW_IMPLEMENTATION=${RMW_IMPLEMENTATION:-rmw_fastrtps_cpp}
export HF_HUB_OFFLINE=${HF_HUB_OFFLINE:-1}
export AMENT_PREFIX_PATH="${AMENT_PREFIX_PATH:-$VIRTUAL_ENV}"
# ishowtts_msgs as scripts/setup.sh built it (alone: the Python code is the working tree's),
# and the test-only audio_common_msgs copy, where it built one.
_ishowtts_nounset=$([[ $- == *u* ]] && echo 1 || true)
set +u
for _ishowtts_setup in "$_ishowtts_root/install/ishowtts_msgs/share/ishowtts_msgs/package.bash" \
  "$_ishowtts_root/build/test_interfaces/install/setup.bash"; do
  [ -f "$_ishowtts_setup" ] && . "$_ishowtts_setup"
done
[ -n "$_ishowtts_nounset" ] && set -u
unset _ishowtts_root _ishowtts_nounset _ishowtts_setup
