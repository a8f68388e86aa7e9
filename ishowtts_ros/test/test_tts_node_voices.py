# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""tts_node's voices changed while it runs: reload, refusals, the default voice."""

import threading

import pytest
from rclpy.parameter import Parameter

from gates import Gate, SynthesisGate
from ros_harness import RosHarness, wait_for

# audio_common_msgs: the test-only copy scripts/setup.sh builds (test/interfaces).
from rcl_interfaces.srv import SetParameters
from std_msgs.msg import String
from std_srvs.srv import Trigger


from tts_nodes import (
    LONG,
    start_node,
    write_voices_yaml,
)


@pytest.fixture
def ros():
    harness = RosHarness()
    yield harness
    harness.close()


def test_voices_reload_without_a_restart(ros, test_model, tmp_path):
    registry = tmp_path / "voices.yaml"
    registry.write_text(write_voices_yaml(test_model, "test"))
    # Look-ahead of a minute: the next text is taken once LONG is synthesised, not heard.
    node = start_node(ros, test_model, voices_file=str(registry), lookahead_s=60.0)

    def topic_served(voice_id):
        return ros.probe.count_subscribers(f"/tts/text/{voice_id}") > 0

    registry.write_text(write_voices_yaml(test_model, "test", "alice"))
    answer = ros.call(Trigger, "tts/reload_voices", Trigger.Request())
    assert answer.success and "alice" in answer.message
    assert wait_for(lambda: topic_served("alice"), 10.0)
    assert list(node.engine.voices) == ["test", "alice"]

    # A text queued for alice while another is synthesised is dropped once alice goes.
    publisher = ros.publisher(String, "tts/text")
    with SynthesisGate(node.engine) as gate:  # holds that synthesis
        publisher.publish(String(data=LONG))
        assert gate.reached.wait(60.0)
        ros.publisher(String, "tts/text/alice").publish(String(data="Alice speaks."))
        assert wait_for(lambda: len(node.queue) == 1, 10.0)
        registry.write_text(write_voices_yaml(test_model, "test"))
        answers = []  # the reload runs on the speaker's thread, once this synthesis is done
        reload = threading.Thread(
            target=lambda: answers.append(
                ros.call(Trigger, "tts/reload_voices", Trigger.Request())
            )
        )
        reload.start()
        assert wait_for(lambda: node.speaker._jobs, 30.0)
    reload.join(60.0)
    assert answers and answers[0].success
    assert wait_for(lambda: not topic_served("alice"), 10.0)
    assert wait_for(lambda: node.stats.dropped == 1, 60.0)
    assert "unknown voice 'alice'" in node.stats.last_error
    assert ros.call(Trigger, "tts/stop", Trigger.Request()).success  # LONG need not be heard


def test_a_reload_without_the_current_voice_falls_back_to_the_default_voice(
    ros, test_model, tmp_path
):
    registry = tmp_path / "voices.yaml"
    registry.write_text(write_voices_yaml(test_model, "test", "alice"))
    node = start_node(ros, test_model, voices_file=str(registry), voice="alice")
    registry.write_text(write_voices_yaml(test_model, "test"))
    assert ros.call(Trigger, "tts/reload_voices", Trigger.Request()).success
    assert wait_for(lambda: node.get_parameter("voice").value == "", 10.0)
    ros.publisher(String, "tts/text").publish(String(data="Still speaking."))
    assert wait_for(lambda: node.stats.spoken == 1, 60.0), node.stats.last_error
    assert node.stats.dropped == 0


def test_a_refused_parameter_change_changes_nothing(ros, test_model, tmp_path):
    """A new registry with an unknown voice in one (atomic) change: neither is taken."""
    from rcl_interfaces.srv import SetParametersAtomically

    node = start_node(ros, test_model)
    registry = tmp_path / "voices.yaml"
    registry.write_text(write_voices_yaml(test_model, "test", "bob"))
    request = SetParametersAtomically.Request()
    request.parameters = [
        Parameter("voices_file", value=str(registry)).to_parameter_msg(),
        Parameter("voice", value="nobody").to_parameter_msg(),
    ]
    service = "tts_node/set_parameters_atomically"
    result = ros.call(SetParametersAtomically, service, request).result
    assert not result.successful and "unknown voice 'nobody'" in result.reason
    assert list(node.engine.voices) == ["test"]
    assert node.get_parameter("voices_file").value == test_model["voices"]
    assert node.engine_config.voices_file == test_model["voices"]
    assert ros.probe.count_subscribers("/tts/text/bob") == 0


def test_a_broken_voices_file_is_refused_and_the_old_voices_keep_speaking(
    ros, test_model, tmp_path
):
    node = start_node(ros, test_model)
    request = SetParameters.Request()
    for bad, reason in (("voices: [oops", "voices"), ("voices: []", "non-empty")):
        path = tmp_path / "bad.yaml"
        path.write_text(bad)
        request.parameters = [Parameter("voices_file", value=str(path)).to_parameter_msg()]
        result = ros.call(SetParameters, "tts_node/set_parameters", request).results[0]
        assert not result.successful and reason in result.reason
    assert list(node.engine.voices) == ["test"]
    ros.publisher(String, "tts/text/test").publish(String(data="Still the old voice."))
    assert wait_for(lambda: node.stats.spoken == 1, 60.0)


def test_a_voice_unknown_once_the_voices_are_known_is_reported_and_the_default_speaks(
    ros, test_model
):
    """Accepted unchecked while the engine loads; refused as soon as it has loaded."""
    node = start_node(ros, test_model, voice="nobody")
    assert wait_for(lambda: node.get_parameter("voice").value == "", 10.0)
    ros.publisher(String, "tts/text").publish(String(data="Still speaking."))
    assert wait_for(lambda: node.stats.spoken == 1, 60.0), node.stats.last_error
    assert node.stats.dropped == 0


def test_a_stop_is_answered_while_voices_reload(ros, test_model, tmp_path):
    """A reload takes seconds (each voice's clip is read and encoded): stops go on."""
    registry = tmp_path / "voices.yaml"
    registry.write_text(write_voices_yaml(test_model, "test"))
    node = start_node(ros, test_model, voices_file=str(registry))
    read_voices = node.read_voices
    with Gate() as gate:

        def held_read(path):
            gate.hold()
            return read_voices(path)

        node.read_voices = held_read
        reload = threading.Thread(
            target=lambda: ros.call(Trigger, "tts/reload_voices", Trigger.Request())
        )
        reload.start()
        assert gate.reached.wait(30.0)
        answer = ros.call(Trigger, "tts/stop", Trigger.Request())  # the reload is held
        assert answer.success
    reload.join(30.0)


def test_a_reload_encodes_the_clips_on_the_speaker_thread_between_chunks(
    ros, test_model, tmp_path
):
    """The speaker's thread owns the engine: a reload waits for the chunk in synthesis."""
    registry = tmp_path / "voices.yaml"
    registry.write_text(write_voices_yaml(test_model, "test"))
    node = start_node(ros, test_model, voices_file=str(registry))
    assert wait_for(lambda: node.engine is not None, 60.0)
    set_voices, threads = node.engine.set_voices, []
    node.engine.set_voices = lambda specs: (
        threads.append(threading.current_thread().name),
        set_voices(specs),
    )[1]
    answers = []
    with SynthesisGate(node.engine) as gate:  # the speaker stays in this text's synthesis
        ros.publisher(String, "tts/text").publish(String(data=LONG))
        assert gate.reached.wait(60.0)
        reload = threading.Thread(
            target=lambda: answers.append(
                ros.call(Trigger, "tts/reload_voices", Trigger.Request())
            )
        )
        reload.start()
        assert wait_for(lambda: threads or node.speaker._jobs, 30.0)
        assert threads == []  # before, the clips were encoded at once on the service thread
    reload.join(60.0)
    assert threads == ["speaker"] and answers and answers[0].success
    assert node.stats.spoken == 0  # done while the text still played, not after it
    assert ros.call(Trigger, "tts/stop", Trigger.Request()).success
