# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""``python -m ishowtts_ros.bench``: the same as ``ishowtts-bench``."""

import ishowtts_ros.entry  # noqa: F401  (first: our process's settings, before torch)

import sys

from ishowtts_ros.bench.cli import main

sys.exit(main())
