# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Commands that start nodes of their own, run so that a timeout stops those nodes too."""

import os
import signal
import subprocess


def run_command(args, timeout: float, env=None) -> subprocess.CompletedProcess:
    """Like ``subprocess.run(capture_output=True, text=True)``; a timeout kills its whole group.

    A node left behind by a killed command would answer the next tests' requests.
    """
    with subprocess.Popen(
        args,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            stdout, stderr = process.communicate()
            raise AssertionError(
                f"{' '.join(map(str, args))} ran over {timeout} s:\n{stdout}{stderr}"
            ) from None
    return subprocess.CompletedProcess(args, process.returncode, stdout, stderr)
