# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The synthesis servers a robot speaks through, and which of them answer now.

Each request goes to the first listed server that answers; one that fails or takes
longer than the timeout is down until a probe (its voice listing, asked for on a thread
of the pool's) answers again, tried after 1, 2, 4 ... 30 s. A request in flight is
cancelled at once when its ``cancel`` event is set (Triton's gRPC request cancellation).
No torch here: a robot without a GPU runs this.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, List, Optional, Tuple

import numpy as np

from ishowtts_ros.engine.errors import EngineError, SynthesisCancelled
from ishowtts_ros.serve.client_requests import listing_request, read_listing
from ishowtts_ros.serve.protocol import GRPC_KEY_HEADER, MODEL_NAME, VOICES_MODEL

LOG = logging.getLogger(__name__)
GRPC_SCHEME = "grpc://"
FIRST_RETRY_S, LAST_RETRY_S = 1.0, 30.0
PROBE_PERIOD_S = 0.25  # how often down servers are looked at (each on its own backoff)
CANCEL_POLL_S = 0.01  # a stop reaches the request within this


class NoServerAnswered(EngineError):
    """No synthesis server answered; the message says why, server by server."""


def server_address(url: str) -> str:
    """``grpc://host:port`` (or ``host:port``) as gRPC dials it; ValueError naming a bad one."""
    address = url[len(GRPC_SCHEME) :] if url.startswith(GRPC_SCHEME) else url
    host, _, port = address.rpartition(":")
    if "://" in address or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(
            f"synthesis server {url!r}: expected grpc://host:port (Triton's gRPC port, 8001)"
        )
    return address


@dataclass
class Server:
    """One server: its client and its health."""

    url: str
    client: object = field(repr=False)
    up: bool = False  # until its first probe answers
    failures: int = 0
    retry_at: float = 0.0
    problem: str = "not asked yet"


class ServerPool:
    """Sends requests to the first server that answers; probes the others back."""

    def __init__(
        self,
        urls: List[str],
        timeout_s: float,
        key: str = "",
        on_listing: Callable[[dict], None] = lambda listing: None,
    ):
        """``on_listing`` gets each new voice listing (a server answered again)."""
        import tritonclient.grpc as grpcclient

        addresses = [server_address(url) for url in urls]
        if not addresses:
            raise ValueError("no synthesis server given")
        self.timeout_s = timeout_s
        self.headers = {GRPC_KEY_HEADER: key} if key else None
        self.servers = [Server(a, grpcclient.InferenceServerClient(a)) for a in addresses]
        self.listing: Optional[dict] = None
        self.on_listing = on_listing
        self.cancelled = 0  # requests a stop cancelled in flight
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._prober = threading.Thread(target=self._probe_loop, name="server-probe", daemon=True)

    def start(self) -> None:
        self._prober.start()

    def close(self) -> None:
        self._closed.set()
        if self._prober.is_alive():
            self._prober.join(self.timeout_s + 1.0)
        for server in self.servers:
            server.client.close()

    def answering(self) -> List[Server]:
        with self._lock:
            return [server for server in self.servers if server.up]

    def problems(self) -> List[str]:
        """Why each server that does not answer does not, with when it is tried again."""
        now = time.monotonic()
        with self._lock:
            return [
                f"grpc://{s.url} {s.problem} (tried again in {max(0.0, s.retry_at - now):.0f} s)"
                for s in self.servers
                if not s.up
            ]

    def infer(self, inputs: list, cancel: Optional[threading.Event]) -> Tuple[np.ndarray, str]:
        """Return the waveform for one ``f5_tts`` request, and the server that said it.

        Raise :class:`SynthesisCancelled` once ``cancel`` is set (the request is cancelled),
        :class:`NoServerAnswered` when no server could.
        """
        for server in self.answering():
            try:
                result = self._infer(server, MODEL_NAME, inputs, cancel)
            except SynthesisCancelled:
                raise
            except Exception as exc:  # unreachable, too slow, or refused: the next one
                self._down(server, exc)
                continue
            return result.as_numpy("waveform").reshape(-1), server.url
        raise NoServerAnswered("; ".join(self.problems()) or "no synthesis server answers")

    def _infer(self, server: Server, model: str, inputs: list, cancel):
        answered = threading.Event()
        outcome: dict = {}

        def done(result, error) -> None:
            outcome.update(result=result, error=error)
            answered.set()

        call = server.client.async_infer(
            model, inputs, done, client_timeout=self.timeout_s, headers=self.headers
        )
        while not answered.wait(CANCEL_POLL_S):
            if cancel is not None and cancel.is_set():
                call.cancel()
                with self._lock:
                    self.cancelled += 1
                raise SynthesisCancelled(f"the request to grpc://{server.url} was cancelled")
        if outcome["error"] is not None:
            raise outcome["error"]
        return outcome["result"]

    def _down(self, server: Server, exc: Exception) -> None:
        reason = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
        with self._lock:
            server.up = False
            server.failures += 1
            backoff = min(LAST_RETRY_S, FIRST_RETRY_S * 2 ** (server.failures - 1))
            server.retry_at = time.monotonic() + backoff
            server.problem = f"does not answer: {reason}"
        LOG.warning(
            "synthesis server grpc://%s %s; tried again in %.0f s", server.url, reason, backoff
        )

    def _probe_loop(self) -> None:
        while not self._closed.is_set():
            try:
                self.probe()
            except Exception:  # a bug here must not end the probing: report it, go on
                LOG.exception("probing the synthesis servers failed")
            self._closed.wait(PROBE_PERIOD_S)

    def probe(self) -> None:
        """Ask each server down whose retry time has come for its voices; up if it answers."""
        now = time.monotonic()
        with self._lock:
            due = [s for s in self.servers if not s.up and s.retry_at <= now]
        for server in due:
            if self._closed.is_set():
                return
            try:
                result = self._infer(server, VOICES_MODEL, listing_request(), None)
                listing = read_listing(result)
            except Exception as exc:
                self._down(server, exc)
                continue
            with self._lock:
                server.up, server.failures, server.problem = True, 0, ""
                first = next(s for s in self.servers if s.up)
                if first is server or self.listing is None:  # the first answering one's voices
                    self.listing = listing
            voices = ", ".join(listing["voices"]) or "none"
            LOG.info("synthesis server grpc://%s answers: voices %s", server.url, voices)
            self.on_listing(listing)
