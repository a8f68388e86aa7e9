# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""A real ``ishowtts-serve`` process for tests: loopback, free ports, stopped by its PID.

PyTriton runs one server per machine: :func:`one_server_at_a_time` holds a lock file that
every test run's workers share while a server is up.
"""

import contextlib
import fcntl
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

READY_TIMEOUT_S = 300.0
STOP_TIMEOUT_S = 30.0
MODELS = ("f5_tts", "f5_tts_voices")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def one_server_at_a_time(lock_path: str):
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _ready(http_port: int) -> bool:
    for model in MODELS:
        url = f"http://127.0.0.1:{http_port}/v2/models/{model}/ready"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status != 200:
                    return False
        except OSError:
            return False
    return True


class ServerProcess:
    """``python -m ishowtts_ros.cli.serve`` with ``args``; its output goes to ``log_path``."""

    def __init__(self, config: str, log_path: str, *args: str, env=None):
        self.http_port, self.grpc_port = free_port(), free_port()
        self.log_path = log_path
        command = [sys.executable, "-m", "ishowtts_ros.cli.serve", "--config", config]
        command += ["--http-port", str(self.http_port), "--grpc-port", str(self.grpc_port)]
        with open(log_path, "w") as log:
            self.process = subprocess.Popen(
                [*command, *args],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                start_new_session=True,
            )

    @property
    def grpc_url(self) -> str:
        return f"127.0.0.1:{self.grpc_port}"

    def log(self) -> str:
        with open(self.log_path, encoding="utf-8", errors="replace") as log:
            return log.read()

    def wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(
                    f"ishowtts-serve exited {self.process.returncode}:\n{self.log()}"
                )
            if _ready(self.http_port):
                return
            time.sleep(0.2)
        raise AssertionError(f"ishowtts-serve not ready in {READY_TIMEOUT_S} s:\n{self.log()}")

    def stop(self) -> int:
        """SIGTERM (a clean stop), then SIGKILL to the whole group if it hangs."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        return self.process.returncode
