# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""An ``ishowtts-serve`` process of a bench's or a test's own: loopback, free ports, its PID.

It is ready once Triton says both models are ready (``/v2/models/<name>/ready``: the
server's own health answers before the models have loaded), and stopped with SIGTERM,
then SIGKILL to its whole process group (Triton and its Python stubs) if it hangs.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from typing import Optional, Tuple

MODELS = ("f5_tts", "f5_tts_voices")


def free_port() -> int:
    """Return a TCP port free on loopback now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServeProcess:
    """``ishowtts-serve --config CONFIG ARGS...``; its output goes to ``log_path``.

    ``env_key``: the access token, handed over in the environment (never on a command line).
    """

    def __init__(
        self,
        config: str,
        log_path: str,
        *args: str,
        env_key: str = "",
        ports: Optional[Tuple[int, int]] = None,
    ):
        """``ports``: HTTP and gRPC (a server started again where it was); default free ones."""
        self.http_port, self.grpc_port = ports or (free_port(), free_port())
        self.log_path = log_path
        command = [sys.executable, "-m", "ishowtts_ros.cli.serve", "--config", config]
        command += ["--http-port", str(self.http_port), "--grpc-port", str(self.grpc_port)]
        env = dict(os.environ, ISHOWTTS_SERVE_KEY=env_key) if env_key else None
        with open(log_path, "a") as log:
            self.process = subprocess.Popen(
                [*command, *args],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    @property
    def grpc_url(self) -> str:
        return f"127.0.0.1:{self.grpc_port}"

    def log(self) -> str:
        with open(self.log_path, encoding="utf-8", errors="replace") as log:
            return log.read()

    def ready(self) -> bool:
        for model in MODELS:
            url = f"http://127.0.0.1:{self.http_port}/v2/models/{model}/ready"
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status != 200:
                        return False
            except OSError:
                return False
        return True

    def wait_ready(self, timeout: float) -> None:
        """Return once both models are ready; raise RuntimeError with the log otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"ishowtts-serve exited {self.process.returncode}:\n{self.log()}"
                )
            if self.ready():
                return
            time.sleep(0.2)
        raise RuntimeError(f"ishowtts-serve not ready within {timeout:.0f} s:\n{self.log()}")

    def rss_mb(self) -> float:
        """Resident memory of the server's Python process (the engine's), in MB."""
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM (a clean stop); SIGKILL to the whole group if it hangs. The exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        return self.process.returncode
