# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

# Source me: the loopback-only ROS 2 environment used by tests and demos.
# DDS discovery and traffic stay on this machine (interface lo and shared memory).
_ishowtts_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export ROS_AUTOMATIC_DISCOVERY_RANGE=LOCALHOST
export ROS_DOMAIN_ID=${ISHOWTTS_DOMAIN_ID:-$(( ($$ % 90) + 10 ))}
export FASTDDS_DEFAULT_PROFILES_FILE="$_ishowtts_root/test/fastdds_loopback.xml"
export RMW_IMPLEMENTATION=${RMW_IMPLEMENTATION:-rmw_fastrtps_cpp}
export HF_HUB_OFFLINE=${HF_HUB_OFFLINE:-1}
unset _ishowtts_root
