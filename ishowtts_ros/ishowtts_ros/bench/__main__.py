# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""``python -m ishowtts_ros.bench``: the same as ``ishowtts-bench``."""

import sys

from ishowtts_ros.bench.cli import main

sys.exit(main())
