# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""``ishowtts-doctor``: what is wrong with this installation, and how to fix it."""
