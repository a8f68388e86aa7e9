# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""tts_node as robots run it: its own process, a params file, a sound device, signals."""

import os
import signal
import sys

import pytest
from audio_common_msgs.msg import AudioDataStamped
from ishowtts_msgs.msg import Heard
from std_msgs.msg import Bool, String

from processes import last_speech_status, run_command, start, stop
from ros_harness import LATCHED, RosHarness, wait_for

from ishowtts_ros.speech.progress import words_of


@pytest.fixture
def ros():
    harness = RosHarness()
    yield harness
    harness.close()


def test_params_file_playback_and_sigint(ros, test_model, null_sound_card):
    played, alsa = null_sound_card
    process = start(test_model, "play_audio:=true", env={"ALSA_CONFIG_PATH": alsa})
    try:
        audio = ros.subscribe(AudioDataStamped, "tts/audio")
        speaking = ros.subscribe(Bool, "tts/speaking", LATCHED)
        assert wait_for(lambda: len(speaking) > 0, 60.0)  # the node is up (late when busy)
        publisher = ros.publisher(String, "tts/text")
        publisher.publish(String(data="Hello from a separate process."))
        assert wait_for(lambda: len(audio) > 0, 60.0)
        assert wait_for(
            lambda: (
                speaking.messages
                and speaking.messages[-1].data is False
                and any(m.data for m in speaking.messages)
            ),
            30.0,
        )
    finally:
        code, output = stop(process, signal.SIGINT)
    assert code == 0, output
    # What reached the sound card once the device closed: float32 (4 bytes) mono samples at
    # 24 kHz, plus at most a device buffer of silence.
    seconds = sum(len(m.audio.data) for m in audio.messages) / 2 / 24000
    played_seconds = played.stat().st_size / 4 / 24000
    assert seconds <= played_seconds <= seconds + 0.25, (seconds, played_seconds)


def test_a_sound_device_that_fails_then_works_again_clears_the_warning(ros, test_model, tmp_path):
    """The device writes into a folder that is missing at first (every write fails)."""
    from diagnostic_msgs.msg import DiagnosticArray

    folder = tmp_path / "card"
    config = tmp_path / "asound.conf"
    config.write_text(
        f'pcm.!default {{ type file slave.pcm "null" file "{folder}/played.raw" format "raw" }}\n'
    )
    alsa = f"/usr/share/alsa/alsa.conf:{config}"
    # rtf_warn at its top: the status reads "ready", not "slow", on a busy machine
    process = start(
        test_model, "play_audio:=true", "rtf_warn:=100.0", env={"ALSA_CONFIG_PATH": alsa}
    )
    try:
        diagnostics = ros.subscribe(DiagnosticArray, "/diagnostics")
        publisher = ros.publisher(String, "tts/text")
        speech_status = last_speech_status(diagnostics)

        assert wait_for(lambda: speech_status() and speech_status().message == "ready", 60.0)
        publisher.publish(String(data="Nobody hears this."))
        assert wait_for(lambda: "playback failed" in speech_status().message, 30.0)
        assert speech_status().level == b"\x01"
        folder.mkdir()  # the device works again
        publisher.publish(String(data="Now you hear me."))
        assert wait_for(lambda: speech_status().message == "ready", 30.0)
        assert speech_status().level == b"\x00"
        assert (folder / "played.raw").stat().st_size > 0
    finally:
        code, output = stop(process, signal.SIGINT)
    assert code == 0, output


@pytest.mark.parametrize(
    "signals", [(signal.SIGTERM,), (signal.SIGINT, signal.SIGINT)], ids=["sigterm", "sigint-twice"]
)
def test_a_stop_while_speaking_ends_the_goal_and_exits_cleanly(ros, test_model, signals):
    """The node closes while ROS still runs: the goal gets its result, speaking ends.

    SIGINT twice, as systemd's control-group stop sends (to launch and node, and launch one
    more): the second hurries the close, never a traceback.
    """
    from action_msgs.msg import GoalStatus
    from sound_play_msgs.msg import SoundRequest
    from sound_clients import SoundClient

    process = start(test_model, "play_audio:=false")
    try:
        speaking = ros.subscribe(Bool, "tts/speaking", LATCHED)
        assert wait_for(lambda: len(speaking) > 0, 60.0)  # the node is up
        client = SoundClient(ros)
        text = " ".join(["A long sentence to be cut short."] * 20)
        handle = client.send(SoundRequest.SAY, SoundRequest.PLAY_ONCE, text)
        result = handle.get_result_async()
        assert wait_for(lambda: any(m.data for m in speaking.messages), 60.0)
        for first in signals[:-1]:
            process.send_signal(first)
            # Signals that come together are one: the next comes once the close has begun.
            assert wait_for(result.done, 30.0)
    finally:
        code, output = stop(process, signals[-1])
    assert code == 0 and "Traceback" not in output, output
    assert wait_for(result.done, 10.0) and result.result().status == GoalStatus.STATUS_ABORTED
    assert wait_for(lambda: speaking.messages[-1].data is False, 10.0)


def test_demo_says_a_sentence_end_to_end(tmp_path):
    """The README's main job, with real weights absent as here: the test model speaks."""
    demo = os.path.join(os.path.dirname(sys.executable), "ishowtts-demo")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = tmp_path / "hello.wav"
    result = run_command(
        [
            demo,
            "Hello robot.",
            "--out",
            str(out),
            "--model-dir",
            str(tmp_path / "model"),
            "--config",
            os.path.join(root, "config", "engine.yaml"),
            "--timeout",
            "120",
        ],
        timeout=300,
        env=dict(os.environ, HF_HUB_OFFLINE="1"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "real F5-TTS weights not found" in result.stdout
    from ishowtts_ros.audio.wav import read_wav

    samples, rate = read_wav(str(out))
    assert rate == 24000 and len(samples) > 0.5 * rate


def test_shipped_params_file_loads_in_both_nodes(ros):
    """config/ishowtts.yaml as rcl parses it; here without weights: the node reports, not dies."""
    from diagnostic_msgs.msg import DiagnosticArray

    from ishowtts_ros.nodes.jetson_performance_node import JetsonPerformanceNode
    from ishowtts_ros.nodes.tts_node import TtsNode

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    cli = [
        "--ros-args",
        "--params-file",
        os.path.join(root, "config", "ishowtts.yaml"),
        "-p",
        "play_audio:=false",
    ]
    tts = ros.add(TtsNode(context=ros.context, cli_args=cli))
    jetson = ros.add(JetsonPerformanceNode(context=ros.context, cli_args=cli))
    assert tts.get_parameter("nfe_step").value == 7 and tts.get_parameter("buckets").value == [
        512,
        768,
        1024,
        1536,
        2048,
        2560,
    ]
    assert jetson.get_parameter("check_period_s").value == 10.0
    assert wait_for(lambda: tts.stats.engine_state == "failed", 60.0)
    assert "could not be downloaded" in tts.stats.engine_error
    diagnostics = ros.subscribe(DiagnosticArray, "/diagnostics")
    assert wait_for(lambda: len(diagnostics) >= 2, 5.0)


def test_invalid_parameters_end_the_node_with_one_clear_line(test_model):
    process = start(test_model, "queue_policy:=shout", "play_audio:=false")
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 2
    assert "invalid parameters: queue_policy must be one of" in output and "'shout'" in output
    assert "Traceback" not in output


@pytest.mark.parametrize("package", ["sound_play_msgs", "ishowtts_msgs"])
def test_without_an_optional_interface_package_the_node_says_how_to_get_it_and_speaks(
    ros, test_model, package
):
    """Its topics are off; speech is not.

    The repository's own folder ishowtts_msgs/ is on the path as an empty namespace
    package: it must not count as the package.
    """
    from ishowtts_ros.nodes.progress_topic import MISSING_MESSAGES
    from ishowtts_ros.nodes.sound_play_interface import INSTALL_HINT

    paths = os.environ.get("PYTHONPATH", "").split(os.pathsep)
    env = {"PYTHONPATH": os.pathsep.join(p for p in paths if package not in p)}
    process = start(test_model, "play_audio:=false", env=env)
    try:
        audio = ros.subscribe(AudioDataStamped, "tts/audio")
        ros.publisher(String, "tts/text").publish(String(data="Still here."))
        assert wait_for(lambda: len(audio) > 0, 60.0)
    finally:
        code, output = stop(process, signal.SIGINT)
    hint = INSTALL_HINT if package == "sound_play_msgs" else MISSING_MESSAGES
    assert code == 0 and output.count(hint) == 1 and "Traceback" not in output, output


def test_a_compiler_that_fails_leaves_an_eager_node_that_speaks_and_warns(
    ros, test_model, tmp_path
):
    """CXX=false: inductor finds no working C++ compiler; the node says so and speaks."""
    from diagnostic_msgs.msg import DiagnosticArray

    process = start(
        test_model,
        "play_audio:=false",
        "compile:=default",
        "buckets:=[512]",
        f"compile_cache_dir:={tmp_path / 'inductor'}",  # empty: nothing to read back
        env={"CXX": "false"},
    )
    try:
        diagnostics = ros.subscribe(DiagnosticArray, "/diagnostics")
        audio = ros.subscribe(AudioDataStamped, "tts/audio")
        speech_status = last_speech_status(diagnostics)

        assert wait_for(
            lambda: speech_status() and "compiling failed" in speech_status().message, 120.0
        )
        status = speech_status()
        assert status.level == b"\x01" and "C++ compiler" in status.message, status.message
        ros.publisher(String, "tts/text").publish(String(data="Still speaking."))
        assert wait_for(lambda: len(audio) > 0, 60.0)
    finally:
        code, output = stop(process, signal.SIGINT)
    assert code == 0, output
    assert "Traceback" not in output, output


CUT_REPLY = "The first sentence is said. The second one is not"


def test_an_interrupt_with_local_playback_cuts_the_reply_and_the_next_one_plays_whole(
    ros, test_model, null_sound_card
):
    """The card swallows audio at once: what it got after the interrupt is the next reply."""
    from std_srvs.srv import Trigger

    played, alsa = null_sound_card
    process = start(
        test_model, "play_audio:=true", "stream_idle_s:=60.0", env={"ALSA_CONFIG_PATH": alsa}
    )
    try:
        audio = ros.subscribe(AudioDataStamped, "tts/audio")
        speaking = ros.subscribe(Bool, "tts/speaking", LATCHED)
        heard = ros.subscribe(Heard, "tts/heard")
        assert wait_for(lambda: len(speaking) > 0, 60.0)
        reply = ros.publisher(String, "tts/text_stream")
        reply.publish(String(data=CUT_REPLY))
        assert wait_for(lambda: played.exists() and played.stat().st_size > 0, 60.0)
        assert ros.call(Trigger, "tts/interrupt", Trigger.Request()).success
        assert wait_for(lambda: not speaking.messages[-1].data, 30.0)
        cut_at = played.stat().st_size
        reply.publish(String(data=" said, nor is the rest of this reply."))  # dropped
        reply.publish(String(data=""))
        heard_before, spans_before = len(audio), len(speaking)
        reply.publish(String(data="A new reply."))
        reply.publish(String(data=""))
        # Its span: speaking true, then false once it has been played.
        assert wait_for(
            lambda: len(speaking) >= spans_before + 2 and not speaking.messages[-1].data, 60.0
        )
    finally:
        code, output = stop(process, signal.SIGINT)
    assert code == 0, output
    new_reply_s = sum(len(m.audio.data) for m in audio.messages[heard_before:]) / 2 / 24000
    after_cut_s = (played.stat().st_size - cut_at) / 4 / 24000
    # The new reply, and at most a device buffer of silence: nothing of the cut one.
    assert new_reply_s <= after_cut_s <= new_reply_s + 0.25, (new_reply_s, after_cut_s)
    # tts/heard: the cut reply's words up to the cut, and the rest; then the new one whole.
    assert wait_for(lambda: len(heard) == 2, 10.0)
    cut, whole = heard.messages
    assert (cut.outcome, cut.cut, cut.text) == (Heard.DROPPED, True, CUT_REPLY)
    assert words_of(cut.heard) + words_of(cut.not_heard) == words_of(CUT_REPLY)
    assert words_of(cut.not_heard) and cut.heard_s > 0
    assert (whole.outcome, whole.heard, whole.not_heard) == (Heard.SPOKEN, "A new reply.", "")
