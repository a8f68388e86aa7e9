# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Speech for a fleet: the engine served by Triton Inference Server (``ishowtts-serve``)."""
