# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""PyTriton runs one server per machine: tests that start one take turns."""

import contextlib
import fcntl


@contextlib.contextmanager
def one_server_at_a_time(tmp_path_factory):
    """Hold the lock file every worker of the test run shares while a server is up."""
    path = tmp_path_factory.getbasetemp().parent / "ishowtts-serve.lock"
    with open(path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
