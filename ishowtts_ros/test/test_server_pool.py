# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The servers a thin client speaks through: which answer, in which order, and when."""

import socket
import threading

import pytest
from gates import Gate, inside
from ros_harness import wait_for
from serving import url
from test_doctor import doctor, params_file

from ishowtts_ros.serve.client_requests import chunk_request
from ishowtts_ros.serve.remote_engine import RemoteEngine
from ishowtts_ros.serve.server_pool import ServerPool
from ishowtts_ros.serve.server_process import free_port

pytest.importorskip("tritonclient.grpc")


@pytest.fixture
def hung_host():
    """Yield an address that takes connections and never answers (a hung server)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield f"grpc://127.0.0.1:{listener.getsockname()[1]}"


def test_servers_are_tried_in_order_and_those_down_are_named(served, hung_host):
    dead = f"grpc://127.0.0.1:{free_port()}"
    pool = ServerPool([hung_host, dead, url(served)], timeout_s=1.0)
    pool.start()
    try:
        assert wait_for(lambda: pool.listing is not None, 60.0), pool.problems()
        request = chunk_request("Hello there.", "test", seed=1)
        wave, said_by = pool.infer(lambda server: request, None)
        assert said_by == served["server"].grpc_url and wave.size > 0
        problems = pool.problems()
        assert len(problems) == 2 and "DEADLINE_EXCEEDED" in problems[0]  # too slow
        assert dead in problems[1] and "UNAVAILABLE" in problems[1]  # nobody there
    finally:
        pool.close()


def test_the_doctor_of_a_thin_client_finds_its_server_and_its_voices(tmp_path, test_model, served):
    params = params_file(tmp_path, test_model, synthesis_server=url(served))
    result = doctor("--params-file", params)
    assert result.returncode == 0, result.stdout
    line = [line for line in result.stdout.splitlines() if " server " in line][0]
    assert line.startswith("OK") and "voices test (the server's)" in line, line


def test_a_text_that_comes_before_the_first_answer_waits_for_it(served, engine_config):
    """As the robot boots: the text is said by the server, not the fallback (here none)."""
    pool = ServerPool([url(served)], timeout_s=60.0)
    client, gate = pool.servers[0].client, Gate()
    ready = client.is_model_ready

    def held_ready(*args, **kwargs):  # the first probe, held until the text waits
        gate.hold()
        return ready(*args, **kwargs)

    client.is_model_ready = held_ready
    remote, chunks = RemoteEngine(engine_config, pool), []
    pool.start()
    try:
        speaking = threading.Thread(
            target=lambda: chunks.extend(remote.synthesize_stream("Hello there."))
        )
        speaking.start()
        assert gate.reached.wait(60.0)
        assert wait_for(
            lambda: inside(speaking, "wait_for_first_answers") or not speaking.is_alive(), 60.0
        )
        gate.open()
        speaking.join(60.0)
        assert chunks and remote.last_server == served["server"].grpc_url
        assert remote.said_without_server == 0
    finally:
        gate.open()
        pool.close()
