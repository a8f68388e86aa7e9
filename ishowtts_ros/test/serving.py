# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""PyTriton runs one server per machine: tests that start one take turns."""

import contextlib
import fcntl
import threading

_held = threading.local()  # how deep this thread already holds the lock


@contextlib.contextmanager
def one_server_at_a_time(tmp_path_factory):
    """Hold the lock file every worker of the test run shares while a server is up.

    Reentrant: a test that starts a second server beside its module's own goes on.
    """
    depth = getattr(_held, "depth", 0)
    if depth:
        _held.depth = depth + 1
        try:
            yield
        finally:
            _held.depth = depth
        return
    path = tmp_path_factory.getbasetemp().parent / "ishowtts-serve.lock"
    with open(path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _held.depth = 1
        try:
            yield
        finally:
            _held.depth = 0
            fcntl.flock(lock, fcntl.LOCK_UN)
