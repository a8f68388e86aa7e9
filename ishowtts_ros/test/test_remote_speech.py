# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""tts_node as a thin client of one real ``ishowtts-serve`` (Triton's log verbose: cancels)."""

import os
import signal
import socket
import threading

import pytest
from audio_common_msgs.msg import AudioDataStamped
from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus
from std_msgs.msg import String
from std_srvs.srv import Trigger

from gates import Gate, inside
from ros_harness import RosHarness, wait_for
from serving import one_server_at_a_time, remote_seconds, served_requests, url
from test_doctor import doctor, params_file
from tts_nodes import (
    LONG,
    PARAGRAPH,
    REPLY,
    gaps_between,
    make_node,
    seconds_of,
    statuses,
    stream_reply,
)
from processes import EXIT_TIMEOUT_S, start, stop

from ishowtts_ros.serve.client_requests import chunk_request
from ishowtts_ros.serve.protocol import GRPC_KEY_HEADER, KEY_ENV, VOICES_MODEL
from ishowtts_ros.serve.remote_engine import RemoteEngine
from ishowtts_ros.serve.server_pool import ServerPool
from ishowtts_ros.serve.server_process import ServeProcess, free_port

pytest.importorskip("tritonclient.grpc")
CANCELLED = "Cancellation notification received"  # Triton's verbose log, per cancelled request


@pytest.fixture
def ros():
    harness = RosHarness()
    yield harness
    harness.close()


def thin_client(ros, test_model, served, **params):
    """Start a tts_node speaking through the module's server; return it once voices are listed."""
    node = make_node(ros, test_model, synthesis_server=url(served), **params)
    assert wait_for(lambda: node.remote.planner is not None, 60.0), node.remote.pool.problems()
    return node


def test_two_texts_through_a_server_are_heard_in_full_without_a_gap(ros, test_model, served):
    node = thin_client(ros, test_model, served)
    audio = ros.subscribe(AudioDataStamped, "tts/audio")
    publisher = ros.publisher(String, "tts/text")
    answered = served_requests(served)
    first, second = PARAGRAPH, "Turning left now."
    publisher.publish(String(data=first))
    assert wait_for(lambda: len(audio) >= 1, 60.0)  # the first is heard: the second follows it
    publisher.publish(String(data=second))
    assert wait_for(lambda: node.stats.spoken == 2, 120.0), node.stats.last_error
    total = remote_seconds(node, first) + remote_seconds(node, second)
    assert wait_for(lambda: seconds_of(audio.messages) >= total - 1e-6, 10.0)  # may trail
    assert seconds_of(audio.messages) == pytest.approx(total, abs=1e-6)
    gap = max(gaps_between(audio.messages))
    print(f"largest gap: {gap * 1000:.1f} ms")
    assert -1e-6 <= gap <= 1e-6
    chunks = len(node.engine.plan(first)) + len(node.engine.plan(second))
    assert chunks >= 3 and served_requests(served) - answered == chunks  # one request a chunk
    assert node.remote.said_without_server == 0 and node.stats.failed == 0


def test_a_stop_cancels_the_request_in_flight_on_the_server(ros, test_model, served):
    # Long chunks at NFE 32: the server is still computing when the stop comes.
    node = thin_client(ros, test_model, served, nfe_step=32, first_chunk_max_bytes=0)
    server = node.remote.pool.servers[0]
    sent, stopped = threading.Event(), threading.Event()
    send = server.client.async_infer

    def send_then_wait_for_the_stop(model, *args, **kwargs):  # the gate: sent, then held
        call = send(model, *args, **kwargs)
        if model == "f5_tts" and not sent.is_set():
            sent.set()
            stopped.wait(60.0)
        return call

    server.client.async_infer = send_then_wait_for_the_stop
    log_before = len(served["server"].log())
    publisher = ros.publisher(String, "tts/text")
    publisher.publish(String(data=LONG))
    assert sent.wait(60.0)
    assert ros.call(Trigger, "tts/stop", Trigger.Request()).success
    stopped.set()
    assert wait_for(lambda: node.remote.pool.cancelled == 1, 30.0)
    assert wait_for(lambda: CANCELLED in served["server"].log()[log_before:], 30.0)
    assert wait_for(lambda: node.stats.dropped == 1, 10.0) and node.stats.spoken == 0
    server.client.async_infer = send
    publisher.publish(String(data="Still here."))  # the server goes on answering
    assert wait_for(lambda: node.stats.spoken == 1, 120.0), node.stats.last_error
    assert node.remote.said_without_server == 0


def test_a_streamed_reply_is_spoken_through_the_server(ros, test_model, served):
    node = thin_client(ros, test_model, served)
    audio = ros.subscribe(AudioDataStamped, "tts/audio")
    publisher = ros.publisher(String, "tts/text_stream")
    answered = served_requests(served)
    stream_reply(publisher, REPLY)
    publisher.publish(String(data=""))  # the end of the reply
    assert wait_for(lambda: node.stats.spoken == 1, 120.0), node.stats.last_error
    sentences = [s for s in REPLY.replace(". ", ".|").split("|") if s]
    assert served_requests(served) - answered >= len(sentences)
    assert wait_for(lambda: seconds_of(audio.messages) >= 3.0, 10.0)
    assert node.remote.said_without_server == 0 and node.stats.dropped == 0


def test_a_thin_client_process_loads_no_torch(ros, test_model, served):
    process = start(
        test_model, f"synthesis_server:={url(served)}", "play_audio:=false", "publish_audio:=true"
    )
    try:
        audio = ros.subscribe(AudioDataStamped, "tts/audio")
        publisher = ros.publisher(String, "tts/text")
        publisher.publish(String(data="Hello from a robot without torch."))
        assert wait_for(lambda: len(audio) >= 1, 120.0)
        with open(f"/proc/{process.pid}/maps") as maps:
            mapped = maps.read()
        assert "/numpy/" in mapped  # extension modules show in the map: torch's would too
        assert "/torch/" not in mapped and "libtorch" not in mapped
    finally:
        code, output = stop(process, signal.SIGINT)
    assert code == 0, output
    assert "speaking through grpc://" in output


def test_a_server_listing_no_voices_is_sent_the_robot_s_clips_with_its_key(
    ros, test_model, tmp_path, tmp_path_factory, monkeypatch
):
    """As upstream's Triton deployment: model f5_tts alone; here it also needs the key."""
    key = "fleet-secret-456"
    with one_server_at_a_time(tmp_path_factory):  # beside the module's own
        server = ServeProcess(
            test_model["config"], str(tmp_path / "serve.log"), "--require-key", env_key=key
        )
        try:
            server.wait_ready(timeout=300)
            import tritonclient.grpc as grpcclient

            control = grpcclient.InferenceServerClient(server.grpc_url)
            control.unload_model(VOICES_MODEL, headers={GRPC_KEY_HEADER: key})
            assert wait_for(lambda: not control.is_model_ready(VOICES_MODEL), 30.0)
            control.close()
            monkeypatch.setenv(KEY_ENV, key)
            node = make_node(ros, test_model, synthesis_server=f"grpc://{server.grpc_url}")
            assert wait_for(lambda: node.remote.planner is not None, 60.0), (
                node.remote.pool.problems()
            )
            assert node.remote.pool.servers[0].upstream
            client, sent = node.remote.pool.servers[0].client, []
            send = client.async_infer

            def send_and_note_the_inputs(model, inputs, *args, **kwargs):
                sent.append(sorted(item.name() for item in inputs))
                return send(model, inputs, *args, **kwargs)

            client.async_infer = send_and_note_the_inputs
            ros.publisher(String, "tts/text").publish(String(data=PARAGRAPH))
            assert wait_for(lambda: node.stats.spoken == 1, 120.0), node.stats.last_error
            upstream = ["reference_text", "reference_wav", "reference_wav_len", "target_text"]
            assert sent and all(names == upstream for names in sent)
            assert served_requests(server) == len(sent) == len(node.engine.plan(PARAGRAPH))
            assert node.remote.said_without_server == 0
        finally:
            assert server.stop() == 0, server.log()


def test_a_server_killed_mid_text_the_fallback_finishes_it_then_the_server_is_back(
    ros, test_model, served
):
    node = thin_client(ros, test_model, served, fallback_voice="espeak-ng")
    assert node.remote.fallback is not None, "espeak-ng is missing (scripts/setup.sh installs it)"
    diagnostics = ros.subscribe(DiagnosticArray, "/diagnostics")
    audio = ros.subscribe(AudioDataStamped, "tts/audio")
    publisher = ros.publisher(String, "tts/text")
    pool, first_server = node.remote.pool, served["server"]
    infer, calls = pool.infer, []

    def kill_the_server_before_the_second_chunk(inputs, cancel):
        calls.append(inputs)
        if len(calls) == 2:
            os.killpg(first_server.process.pid, signal.SIGKILL)
            first_server.process.wait(EXIT_TIMEOUT_S)
        return infer(inputs, cancel)

    pool.infer = kill_the_server_before_the_second_chunk
    publisher.publish(String(data=PARAGRAPH))
    assert wait_for(lambda: node.stats.spoken == 1, 120.0), node.stats.last_error
    assert node.stats.failed == node.stats.dropped == 0
    assert len(calls) == 2 and node.remote.said_without_server == 1
    first_chunk_s = remote_seconds(node, node.engine.plan(PARAGRAPH)[0].text)
    assert wait_for(lambda: seconds_of(audio.messages) > first_chunk_s + 0.5, 10.0)

    def warned():
        found = [s for s in statuses(diagnostics) if s.level == DiagnosticStatus.WARN]
        return found and url(served) in found[-1].message and "espeak-ng" in found[-1].message

    assert wait_for(warned, 30.0), [s.message for s in statuses(diagnostics)][-3:]

    # The server starts again where it was; the node finds it (its probes back off).
    served["server"] = ServeProcess(
        test_model["config"],
        first_server.log_path,
        "--log-verbose",
        "1",
        ports=(first_server.http_port, first_server.grpc_port),
    )
    served["server"].wait_ready(timeout=300)
    assert wait_for(lambda: pool.answering(), 90.0), pool.problems()
    pool.infer = infer
    answered = served_requests(served)
    publisher.publish(String(data="Back again."))
    assert wait_for(lambda: node.stats.spoken == 2, 120.0), node.stats.last_error
    assert node.remote.said_without_server == 1 and served_requests(served) > answered
    assert wait_for(lambda: statuses(diagnostics)[-1].level == DiagnosticStatus.OK, 30.0)


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
