# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""How long stopping may take, in one place: the node's close, the launch file, the unit.

On the first SIGINT or SIGTERM a node cuts its speech at once (sound_play goals end with
their results, ``tts/speaking`` goes false), then waits for a model step under way, which
cannot be cut halfway (loading, a warm-up or compile step): at most
:data:`BUSY_STEP_WAIT_S` for each of the two threads that may be in one. A second signal
hurries it: what it sent goes out, and it exits without waiting for the step. ``ros2
launch`` sends SIGTERM (the second signal) :data:`LAUNCH_SIGTERM_AFTER_S` after its
SIGINT, and SIGKILL :data:`LAUNCH_SIGKILL_AFTER_S` later; systemd waits
:data:`UNIT_STOP_TIMEOUT_S` for the whole launch to end.
"""

BUSY_STEP_WAIT_S = 40.0
CLOSE_BOUND_S = 2 * BUSY_STEP_WAIT_S + 5.0  # both waits, and what it sent flushed
HURRY_S = 5.0  # after a second signal: flush, then exit
LAUNCH_SIGTERM_AFTER_S = CLOSE_BOUND_S
LAUNCH_SIGKILL_AFTER_S = HURRY_S
UNIT_STOP_TIMEOUT_S = LAUNCH_SIGTERM_AFTER_S + LAUNCH_SIGKILL_AFTER_S + 10.0  # launch's exit
