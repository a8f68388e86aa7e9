# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""tts_node as a thin client with no server answering: what speaks instead, or why nothing."""

import pytest
from audio_common_msgs.msg import AudioDataStamped
from std_msgs.msg import String

from ros_harness import RosHarness, wait_for
from tts_nodes import PARAGRAPH, make_node, seconds_of

from ishowtts_ros.serve.server_process import free_port

pytest.importorskip("tritonclient.grpc")


@pytest.fixture
def ros():
    harness = RosHarness()
    yield harness
    harness.close()


def test_no_server_and_no_fallback_the_text_fails_naming_the_server(ros, test_model):
    dead = f"grpc://127.0.0.1:{free_port()}"
    node = make_node(ros, test_model, synthesis_server=dead, fallback_voice="none")
    assert wait_for(lambda: "UNAVAILABLE" in " ".join(node.remote.pool.problems()), 30.0)
    ros.publisher(String, "tts/text").publish(String(data="Nobody can say this."))
    assert wait_for(lambda: node.stats.failed == 1, 30.0)
    assert dead in node.stats.last_error and node.stats.spoken == 0


def test_no_server_the_local_engine_speaks_when_asked_to_load(ros, test_model, engine):
    dead = f"grpc://127.0.0.1:{free_port()}"
    node = make_node(ros, test_model, synthesis_server=dead, local_engine=True)
    assert wait_for(lambda: node.remote.local is not None, 60.0)
    audio = ros.subscribe(AudioDataStamped, "tts/audio")
    ros.publisher(String, "tts/text").publish(String(data=PARAGRAPH))
    assert wait_for(lambda: node.stats.spoken == 1, 120.0), node.stats.last_error
    expected = engine.estimate_seconds(PARAGRAPH)  # the same model, here
    assert wait_for(lambda: seconds_of(audio.messages) >= expected - 1e-6, 10.0)
    assert seconds_of(audio.messages) == pytest.approx(expected, abs=1e-6)
    assert node.remote.said_without_server == 1
