# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""tts_node's parameters, diagnostics and failures: what it says is wrong, and goes on."""

import pytest
from rclpy.parameter import Parameter

from ros_harness import RosHarness, wait_for

# audio_common_msgs: the test-only copy scripts/setup.sh builds (test/interfaces).
from audio_common_msgs.msg import AudioDataStamped
from diagnostic_msgs.msg import DiagnosticArray
from rcl_interfaces.srv import SetParameters
from std_msgs.msg import String


from tts_nodes import (
    start_node,
    statuses,
    values,
    write_voices,
)


@pytest.fixture
def ros():
    harness = RosHarness()
    yield harness
    harness.close()


def test_parameters_reject_bad_values_and_apply_good_ones(ros, test_model):
    node = start_node(ros, test_model)
    request = SetParameters.Request()

    def set_param(name, value):
        request.parameters = [Parameter(name, value=value).to_parameter_msg()]
        return ros.call(SetParameters, "tts_node/set_parameters", request).results[0]

    assert not set_param("nfe_step", 0).successful
    result = set_param("queue_policy", "shout")
    assert not result.successful and "'shout'" in result.reason
    assert not set_param("ckpt_file", "/tmp/other.safetensors").successful  # read-only
    assert not set_param("speed", 9.0).successful
    result = set_param("voice", "nobody")
    assert not result.successful and "nobody" in result.reason
    assert set_param("nfe_step", 16).successful and node.synthesis.nfe_step == 16
    assert set_param("max_queue", 4).successful and node.queue.max_size == 4


def test_diagnostics_ok_then_warn_when_slow(ros, test_model):
    node = start_node(ros, test_model, rtf_warn=0.001)
    diagnostics = ros.subscribe(DiagnosticArray, "/diagnostics")
    assert wait_for(lambda: statuses(diagnostics), 5.0)
    first = statuses(diagnostics)[-1]
    assert first.level == b"\x00" and first.message == "ready"
    assert values(first)["device"] == "cpu" and values(first)["nfe_step"] == "7"
    ros.publisher(String, "tts/text").publish(String(data="Measure me."))
    assert wait_for(lambda: node.stats.spoken == 1, 60.0)
    assert wait_for(lambda: statuses(diagnostics)[-1].level == b"\x01", 5.0)
    assert statuses(diagnostics)[-1].message.startswith("slow: mean RTF")


def test_missing_checkpoint_speaks_in_the_fallback_voice_under_an_error_diagnostic(
    ros, test_model, tmp_path
):
    """espeak-ng (installed by scripts/setup.sh) says the text; the diagnostic says why."""
    missing = str(tmp_path / "gone.safetensors")
    node = start_node(ros, test_model, ckpt_file=missing)
    audio = ros.subscribe(AudioDataStamped, "tts/audio")
    diagnostics = ros.subscribe(DiagnosticArray, "/diagnostics")
    ros.publisher(String, "tts/text").publish(String(data="Anyone there?"))
    assert wait_for(lambda: node.stats.spoken == 1, 30.0), node.stats.last_error
    assert node.stats.fallback_spoken == 1
    # About a second of speech from espeak-ng, at the node's rate.
    assert wait_for(lambda: sum(len(m.audio.data) for m in audio.messages) / 2 / 24000 > 0.5, 10.0)
    assert wait_for(lambda: statuses(diagnostics), 5.0)
    status = statuses(diagnostics)[-1]
    assert status.level == b"\x02" and missing in status.message
    assert "espeak-ng speaks meanwhile" in status.message
    assert values(status)["spoken by the fallback voice"] == "1"


def test_missing_checkpoint_without_a_fallback_voice_drops_texts_with_the_reason(
    ros, test_model, tmp_path
):
    missing = str(tmp_path / "gone.safetensors")
    node = start_node(ros, test_model, ckpt_file=missing, fallback_voice="none")
    diagnostics = ros.subscribe(DiagnosticArray, "/diagnostics")
    assert wait_for(lambda: statuses(diagnostics), 5.0)
    status = statuses(diagnostics)[-1]
    assert status.level == b"\x02" and missing in status.message
    ros.publisher(String, "tts/text").publish(String(data="Anyone there?"))
    assert wait_for(lambda: node.stats.dropped == 1, 10.0)
    assert "engine not loaded" in node.stats.last_error


def test_unusable_audio_device_warns_and_publishing_continues(ros, test_model):
    node = start_node(ros, test_model, play_audio=True, audio_device="no-such-device-xyz")
    audio = ros.subscribe(AudioDataStamped, "tts/audio")
    diagnostics = ros.subscribe(DiagnosticArray, "/diagnostics")
    ros.publisher(String, "tts/text").publish(String(data="Publishing still works."))
    assert wait_for(lambda: node.stats.spoken == 1 and len(audio) > 0, 60.0)
    assert wait_for(lambda: statuses(diagnostics), 5.0)
    status = statuses(diagnostics)[-1]
    assert status.level == b"\x01" and "no local playback" in status.message


def test_a_node_whose_only_voice_is_broken_reports_an_error_naming_it(ros, test_model, tmp_path):
    node = start_node(ros, test_model, voices_file=write_voices(tmp_path, test_model, bob=None))
    diagnostics = ros.subscribe(DiagnosticArray, "/diagnostics")
    publisher = ros.publisher(String, "tts/text")
    for _ in range(3):
        publisher.publish(String(data="Can anyone hear me?"))
    assert wait_for(lambda: node.stats.failed == 3, 30.0)
    assert wait_for(
        lambda: statuses(diagnostics) and values(statuses(diagnostics)[-1])["failed"] == "3", 5.0
    )
    status = statuses(diagnostics)[-1]
    assert status.level == b"\x02" and "bob" in status.message
    assert values(status)["voices usable"] == "none"
    assert values(status)["voices unusable"] == "bob"
    assert values(status)["failed in the last 60 s"] == "3"


def test_a_broken_voice_beside_a_good_one_is_named_in_a_warning(ros, test_model, tmp_path):
    voices = write_voices(tmp_path, test_model, good=test_model["voice"], bob=None)
    node = start_node(ros, test_model, voices_file=voices)
    diagnostics = ros.subscribe(DiagnosticArray, "/diagnostics")
    assert wait_for(lambda: statuses(diagnostics), 5.0)
    status = statuses(diagnostics)[-1]
    assert status.level == b"\x01" and "unusable voices: bob" in status.message
    ros.publisher(String, "tts/text/bob").publish(String(data="Through the broken voice."))
    ros.publisher(String, "tts/text/good").publish(String(data="Through the good one."))
    assert wait_for(lambda: node.stats.failed == 1 and node.stats.spoken == 1, 60.0)
    assert wait_for(
        lambda: "1 texts failed in the last 60 s" in statuses(diagnostics)[-1].message, 5.0
    )


def test_descriptors_read_back_over_ros_match_the_parameter_table(ros, test_model):
    from rcl_interfaces.srv import DescribeParameters

    from ishowtts_ros.speech.settings import TTS_NODE_SETTINGS

    start_node(ros, test_model)
    table = {name: param for _, t in TTS_NODE_SETTINGS for name, param in t.items()}
    request = DescribeParameters.Request(names=list(table))
    descriptors = ros.call(DescribeParameters, "tts_node/describe_parameters", request)
    assert [d.name for d in descriptors.descriptors] == list(table)
    for descriptor in descriptors.descriptors:
        param = table[descriptor.name]
        assert descriptor.description == param.description
        assert descriptor.read_only == (not param.runtime), descriptor.name
        ranges = list(descriptor.integer_range) + list(descriptor.floating_point_range)
        if param.low is not None:
            assert (ranges[0].from_value, ranges[0].to_value) == (param.low, param.high)
        else:
            assert not ranges, descriptor.name
        if param.choices:
            assert descriptor.additional_constraints == "one of: " + ", ".join(param.choices)


def test_importing_the_node_loads_no_torch():
    """The engine (and torch, seconds of import) is loaded by the node's loader thread only."""
    import subprocess
    import sys

    code = (
        "import sys, ishowtts_ros.nodes.tts_node\n"
        "heavy = ('torch', 'torchaudio', 'f5_tts')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == "[]", result.stdout[:500]


def test_hostile_texts_leave_the_node_speaking(ros, test_model):
    node = start_node(ros, test_model, max_chars=60)  # spoken means heard: keep them short
    audio = ros.subscribe(AudioDataStamped, "tts/audio")
    publisher = ros.publisher(String, "tts/text/test")
    hostile = [
        "",
        "   \n\t ",
        "x" * 100_000,
        "Ctrl\x00\x07\x1b[2J chars.",
        "🤖🔥💥",
        "?!...;;",
        "Mixed Ελληνικά, 中文 and English.",
        "/etc/passwd",
        "../../root/.ssh/id_rsa",
    ]
    for text in hostile:
        publisher.publish(String(data=text))
    publisher.publish(String(data="I am still here."))
    assert wait_for(
        lambda: (
            node.stats.spoken + node.stats.dropped + node.stats.failed + node.stats.ignored
            == len(hostile) + 1
        ),
        120.0,
    )
    assert node.stats.ignored == 2 and node.stats.failed == 0
    assert node.stats.dropped == 2  # the emoji-only and punctuation-only texts
    assert node.stats.spoken == len(hostile) - 4 + 1
    assert len(audio) > 0


def test_chinese_edge_texts_are_all_spoken(ros, test_model):
    """Spoken means heard: the 2000-character paragraph (4 minutes) is the engine tests'."""
    from upstream_runs import EDGE_TEXTS

    texts = [text for name, text in EDGE_TEXTS.items() if name != "paragraph_2000_chars"]
    node = start_node(ros, test_model)
    publisher = ros.publisher(String, "tts/text")
    for text in texts:
        publisher.publish(String(data=text))
    assert wait_for(lambda: node.stats.spoken + node.stats.failed == len(texts), 120.0)
    assert node.stats.spoken == len(texts), node.stats.last_error
