# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT
# Source me: find_python [PATH|VERSION] prints an interpreter; python_version PYTHON prints X.Y.
# Without an argument: Python 3.10 (JetPack 6 / ROS 2 Humble) when present, else the newest >= 3.10.

python_version() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null; }

find_python() {
  local want=${1:-} candidate pyenv_root=${PYENV_ROOT:-$HOME/.pyenv}
  if [ -n "$want" ] && [ -x "$want" ]; then echo "$want"; return; fi
  local versions=${want:-"3.10 3.13 3.12 3.11"}
  for version in $versions; do
    for candidate in "$(command -v "python$version" || true)" "$pyenv_root"/versions/"$version".*/bin/python; do
      if [ -x "$candidate" ] && [ "$(python_version "$candidate")" = "$version" ]; then echo "$candidate"; return; fi
    done
  done
  if [ -z "$want" ] && command -v python3 >/dev/null &&
     python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
    command -v python3; return
  fi
  return 1
}
