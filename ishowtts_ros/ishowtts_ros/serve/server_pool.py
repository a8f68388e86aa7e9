# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The synthesis servers a robot speaks through, and which of them answer now.

Each request goes to the first listed server that answers; one that fails or takes
longer than the timeout is down until a probe (its voice listing, asked for on a thread
of the pool's) answers again, tried after 1, 2, 4 ... 30 s. A server whose ``f5_tts``
is ready but that lists no voices (upstream's Triton deployment) is sent the robot's
own voice clips (:mod:`.robot_voices`), as is every server with ``send_clips``. A request
in flight is cancelled at once when its ``cancel`` event is set (Triton's gRPC request
cancellation).
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
    upstream: bool = False  # sent the robot's clips: it lists no voices (or send_clips)
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
        robot_listing: Optional[Callable[[], dict]] = None,
        send_clips: bool = False,
    ):
        """``on_listing`` gets each new voice listing (a server answered again).

        ``robot_listing`` reads the robot's own voices (:func:`.robot_voices.robot_listing`),
        for servers that list none; ``send_clips``: for every server.
        """
        import tritonclient.grpc as grpcclient

        addresses = [server_address(url) for url in urls]
        if not addresses:
            raise ValueError("no synthesis server given")
        self.timeout_s = timeout_s
        self.headers = {GRPC_KEY_HEADER: key} if key else None
        self.servers = [Server(a, grpcclient.InferenceServerClient(a)) for a in addresses]
        self.listing: Optional[dict] = None
        self.robot: Optional[dict] = None  # the robot's voices, once a server needed them
        self._robot_listing = robot_listing
        self.send_clips = send_clips
        self.on_listing = on_listing
        self.cancelled = 0  # requests a stop cancelled in flight
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._asked_all = threading.Event()  # every server was probed once (since the start)
        self._prober = threading.Thread(target=self._probe_loop, name="server-probe", daemon=True)

    def start(self) -> None:
        self._prober.start()

    def close(self) -> None:
        self._closed.set()
        if self._prober.is_alive():
            self._prober.join(self.timeout_s + 1.0)
        for server in self.servers:
            server.client.close()

    def wait_for_first_answers(self, cancel: Optional[threading.Event]) -> None:
        """Wait until every server was asked once (at most the timeout, or ``cancel``).

        A text that comes as the robot boots is then said by a server, not the fallback.
        """
        deadline = time.monotonic() + self.timeout_s
        while not self._asked_all.wait(CANCEL_POLL_S) and time.monotonic() < deadline:
            if self._closed.is_set() or (cancel is not None and cancel.is_set()):
                return

    def answering(self) -> List[Server]:
        with self._lock:
            return [server for server in self.servers if server.up]

    def problems(self) -> List[str]:
        """Say why each server that does not answer does not, and when it is tried again."""
        now = time.monotonic()
        with self._lock:
            return [
                f"grpc://{s.url}: {s.problem} (tried again in {max(0.0, s.retry_at - now):.0f} s)"
                for s in self.servers
                if not s.up
            ]

    def infer(
        self, inputs: Callable[[Server], list], cancel: Optional[threading.Event]
    ) -> Tuple[np.ndarray, str]:
        """Return the waveform for one ``f5_tts`` request, and the server that said it.

        ``inputs`` makes the request for a server (a clip for those that list no voices).

        Raise :class:`SynthesisCancelled` once ``cancel`` is set (the request is cancelled),
        :class:`NoServerAnswered` when no server could.
        """
        for server in self.answering():
            try:
                result = self._infer(server, MODEL_NAME, inputs(server), cancel)
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
            server.problem = reason
        LOG.warning(
            "synthesis server grpc://%s %s; tried again in %.0f s", server.url, reason, backoff
        )

    def _probe_loop(self) -> None:
        while not self._closed.is_set():
            try:
                self.probe()
            except Exception:  # a bug here must not end the probing: report it, go on
                LOG.exception("probing the synthesis servers failed")
            self._asked_all.set()
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
                listing, upstream = self._listing(server)
            except Exception as exc:
                self._down(server, exc)
                continue
            with self._lock:
                server.up, server.failures, server.problem = True, 0, ""
                server.upstream = upstream
                first = next(s for s in self.servers if s.up)
                if first is server or self.listing is None:  # the first answering one's voices
                    self.listing = listing
            voices = ", ".join(listing["voices"]) or "none"
            whose = "the robot's, sent as clips" if upstream else "its own"
            LOG.info(
                "synthesis server grpc://%s answers: voices %s (%s)", server.url, voices, whose
            )
            self.on_listing(listing)

    def _listing(self, server: Server) -> Tuple[dict, bool]:
        """Return the voices to plan with for ``server``, and whether it is sent clips."""
        ready = {"headers": self.headers, "client_timeout": self.timeout_s}
        if not self.send_clips and server.client.is_model_ready(VOICES_MODEL, **ready):
            return read_listing(self._infer(server, VOICES_MODEL, listing_request(), None)), False
        if not server.client.is_model_ready(MODEL_NAME, **ready):
            raise NoServerAnswered(f"model {MODEL_NAME} is not ready there")
        if self._robot_listing is None:
            raise NoServerAnswered(f"it lists no voices ({VOICES_MODEL}), and the robot has none")
        if self.robot is None:
            self.robot = self._robot_listing()  # raises naming what is missing
        return self.robot, True
