# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Commands and node processes of a test's own: started, signalled, stopped by their PID."""

import os
import signal
import subprocess
import sys
import time


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


NODE = os.path.join(os.path.dirname(sys.executable), "tts_node")


def start(test_model, *params, env=None):
    args = [NODE, "--ros-args", "--params-file", test_model["params"]]
    for param in params:
        args += ["-p", param]
    return subprocess.Popen(
        args,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


# Only a hang (a thread that never ends) runs into this: an exit under load takes seconds.
EXIT_TIMEOUT_S = 60.0


def last_speech_status(diagnostics):
    """Return a function giving the last speech status received (None before the first)."""

    def speech_status():
        found = [s for m in list(diagnostics.messages) for s in m.status if "speech" in s.name]
        return found[-1] if found else None

    return speech_status


def stop(process, sig):
    """Signal the node; return its exit code and its log (printed: shown when a test fails)."""
    started = time.monotonic()
    process.send_signal(sig)
    try:
        code = process.wait(timeout=EXIT_TIMEOUT_S)
    finally:
        if process.poll() is None:
            process.kill()
    elapsed = time.monotonic() - started
    output = process.stdout.read()
    print(f"exit {code} {elapsed * 1000:.0f} ms after {signal.Signals(sig).name}\n{output}")
    return code, output
