# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""sound_play clients unchanged: the robotsound topic and the sound_play action, over DDS.

The client (``sound_clients.py``) does what sound_play's ``SoundClient`` does:
non-blocking requests are published on ``robotsound`` (depth 5, reliable); blocking ones
are goals of the ``sound_play`` action, whose status array is what ``is_speaking.py`` reads.
sound_play_msgs is the test-only build of its definitions (test/interfaces).
"""

import time

import numpy as np
import pytest
import soundfile
from action_msgs.msg import GoalStatus, GoalStatusArray
from rclpy.parameter import Parameter
from sound_play_msgs.msg import SoundRequest
from std_msgs.msg import Bool

from audio_common_msgs.msg import AudioData
from gates import SynthesisGate
from ishowtts_ros.audio.wav import from_pcm16
from ishowtts_ros.nodes.tts_node import TtsNode
from ishowtts_ros.speech import sound_requests
from ros_harness import LATCHED, RosHarness, wait_for
from sound_clients import SoundClient

SHORT = "The door is open."


@pytest.fixture
def ros():
    harness = RosHarness()
    yield harness
    harness.close()


@pytest.fixture
def sounds(tmp_path):
    """Write a sound folder with a 24 kHz WAV and a built-in sound, and a WAV outside it."""
    folder = tmp_path / "sounds"
    folder.mkdir()
    tone = (0.3 * np.sin(np.arange(12000) * 2 * np.pi * 440 / 24000)).astype(np.float32)
    soundfile.write(str(folder / "ding.wav"), tone, 24000, subtype="PCM_16")
    soundfile.write(str(tmp_path / "secret.wav"), tone, 24000, subtype="PCM_16")
    soundfile.write(str(folder / "BACKINGUP.ogg"), tone, 24000, format="OGG")
    return folder, tone


def start_node(ros, test_model, sounds_folder, **params):
    overrides = {
        "play_audio": False,
        "ckpt_file": test_model["safetensors"],
        "model": test_model["model"],
        "vocab_file": test_model["vocab"],
        "vocoder_dir": test_model["vocoder"],
        "voices_file": test_model["voices"],
        "device": "cpu",
        "dtype": "fp32",
        "seed": 3,
        "sound_dirs": [str(sounds_folder)],
        **params,
    }
    node = ros.add(
        TtsNode(
            context=ros.context,
            parameter_overrides=[Parameter(k, value=v) for k, v in overrides.items()],
        )
    )
    assert wait_for(lambda: node.stats.engine_state == "ready", 60.0)
    assert wait_for(lambda: not node.speaker.warming_up, 120.0)  # a gate holds texts alone
    return node


def pcm_seconds(collector, start=0):
    return sum(len(m.data) for m in collector.messages[start:]) / 2 / 24000


def test_constants_are_sound_play_msgs_own():
    for name in (
        "BACKINGUP",
        "NEEDS_UNPLUGGING",
        "NEEDS_PLUGGING",
        "NEEDS_UNPLUGGING_BADLY",
        "NEEDS_PLUGGING_BADLY",
        "ALL",
        "PLAY_FILE",
        "SAY",
        "PLAY_STOP",
        "PLAY_ONCE",
        "PLAY_START",
    ):
        assert getattr(sound_requests, name) == getattr(SoundRequest, name), name


def test_non_blocking_say_speaks_on_the_audio_data_topic(ros, test_model, sounds):
    node = start_node(ros, test_model, sounds[0])
    audio = ros.subscribe(AudioData, "tts/audio_data")
    client = SoundClient(ros)
    client.publish(SoundRequest.SAY, SoundRequest.PLAY_ONCE, SHORT, "voice_kal_diphone")
    assert wait_for(lambda: node.stats.spoken == 1, 60.0)
    assert wait_for(lambda: pcm_seconds(audio) >= node.engine.estimate_seconds(SHORT) - 1e-6, 10)
    assert pcm_seconds(audio) == pytest.approx(node.engine.estimate_seconds(SHORT), abs=1e-6)
    samples = from_pcm16(b"".join(bytes(m.data) for m in audio.messages))
    assert 0.005 < float(np.max(np.abs(samples))) <= 1.0  # S16LE speech, not noise of bytes


def test_blocking_say_gets_feedback_while_playing_and_its_result_after_the_audio(
    ros, test_model, sounds
):
    node = start_node(ros, test_model, sounds[0])
    status = ros.subscribe(GoalStatusArray, "sound_play/_action/status")
    speaking = ros.subscribe(Bool, "tts/speaking", LATCHED)
    client = SoundClient(ros)
    sent = time.monotonic()
    handle = client.send(SoundRequest.SAY, SoundRequest.PLAY_ONCE, SHORT)
    result = client.result(handle)
    finished = time.monotonic()
    assert result.status == GoalStatus.STATUS_SUCCEEDED
    audio_s = node.engine.estimate_seconds(SHORT)
    first_feedback = client.feedback[0][0] - sent
    print(
        f"goal to first feedback {first_feedback * 1000:.0f} ms, "
        f"result after {finished - sent:.2f} s"
    )
    playing = [t for t, f in client.feedback if f.feedback.playing]
    assert playing and playing[0] < finished  # told while it plays, before the result
    assert finished - sent >= audio_s  # published at real-time pace: the result waits for it
    assert wait_for(lambda: not speaking.messages[-1].data, 5.0)
    executing = [
        s
        for m in status.messages
        for s in m.status_list
        if s.status == GoalStatus.STATUS_EXECUTING
    ]
    assert executing, "is_speaking.py would never have seen the goal executing"


def test_cancelling_a_goal_silences_it_fast(ros, test_model, sounds):
    node = start_node(ros, test_model, sounds[0])
    speaking = ros.subscribe(Bool, "tts/speaking", LATCHED)
    audio = ros.subscribe(AudioData, "tts/audio_data")
    client = SoundClient(ros)
    long = " ".join(["This sentence keeps the robot talking for a while."] * 4)
    with SynthesisGate(node.engine, chunks=1):  # its first chunk plays, the next is held
        handle = client.send(SoundRequest.SAY, SoundRequest.PLAY_ONCE, long)
        assert wait_for(lambda: any(f.feedback.playing for _, f in client.feedback), 60.0)
        cancelled = time.monotonic()
        future = handle.cancel_goal_async()
        assert wait_for(future.done, 10.0)
        out = len(audio)
    assert wait_for(lambda: not speaking.messages[-1].data, 10.0)
    print(f"cancel to tts/speaking false {(speaking.times[-1] - cancelled) * 1000:.0f} ms")
    assert client.result(handle).status == GoalStatus.STATUS_CANCELED
    # What comes next is the next text alone: nothing of the cancelled one followed.
    client.publish(SoundRequest.SAY, SoundRequest.PLAY_ONCE, "Next.")
    assert wait_for(lambda: node.stats.spoken == 1, 60.0)
    expected = node.engine.estimate_seconds("Next.")
    assert wait_for(lambda: pcm_seconds(audio, out) >= expected - 1e-6, 10.0)
    assert pcm_seconds(audio, out) == pytest.approx(expected, abs=1e-6)


def test_repeat_until_stopped_then_stop_all(ros, test_model, sounds):
    node = start_node(ros, test_model, sounds[0])
    audio = ros.subscribe(AudioData, "tts/audio_data")
    speaking = ros.subscribe(Bool, "tts/speaking", LATCHED)
    client = SoundClient(ros)
    once = None
    client.publish(SoundRequest.SAY, SoundRequest.PLAY_START, "Beep.")
    assert wait_for(lambda: node.engine is not None and pcm_seconds(audio) > 0, 60.0)
    once = node.engine.estimate_seconds("Beep.")
    assert wait_for(lambda: pcm_seconds(audio) >= 2.5 * once, 30.0)  # said again and again
    client.publish(SoundRequest.SAY, SoundRequest.PLAY_STOP, "Beep.")
    assert wait_for(lambda: not speaking.messages[-1].data, 5.0)
    assert node.stats.dropped == 1 and "stopped" in node.stats.last_error
    client.publish(SoundRequest.SAY, SoundRequest.PLAY_ONCE, "First of two.")
    client.publish(SoundRequest.SAY, SoundRequest.PLAY_ONCE, "Second of two.")
    assert wait_for(lambda: speaking.messages[-1].data, 30.0)
    client.publish(SoundRequest.ALL, SoundRequest.PLAY_STOP)
    assert wait_for(lambda: not speaking.messages[-1].data, 5.0)
    # Neither was heard to its end: both dropped (the first while heard), nothing spoken.
    assert (node.stats.dropped, node.stats.spoken, len(node.queue)) == (3, 0, 0)


def test_files_play_only_from_sound_dirs(ros, test_model, sounds):
    folder, tone = sounds
    node = start_node(ros, test_model, folder)
    audio = ros.subscribe(AudioData, "tts/audio_data")
    client = SoundClient(ros)
    refused = client.send(
        SoundRequest.PLAY_FILE, SoundRequest.PLAY_ONCE, str(folder / "../secret.wav")
    )
    assert client.result(refused).status == GoalStatus.STATUS_ABORTED
    assert "not under sound_dirs" in node.stats.last_error and len(audio) == 0
    handle = client.send(SoundRequest.PLAY_FILE, SoundRequest.PLAY_ONCE, str(folder / "ding.wav"))
    assert client.result(handle).status == GoalStatus.STATUS_SUCCEEDED
    assert wait_for(lambda: pcm_seconds(audio) >= len(tone) / 24000 - 1e-6, 10)
    played = from_pcm16(b"".join(bytes(m.data) for m in audio.messages))
    assert len(played) == len(tone) and np.allclose(played, tone, atol=2 / 32767)
    builtin = client.send(SoundRequest.BACKINGUP, SoundRequest.PLAY_ONCE, volume=1.0)
    assert client.result(builtin).status == GoalStatus.STATUS_SUCCEEDED


def test_volume_scales_the_speech(ros, test_model, sounds):
    node = start_node(ros, test_model, sounds[0])
    audio = ros.subscribe(AudioData, "tts/audio_data")
    client = SoundClient(ros)
    seconds = node.engine.estimate_seconds(SHORT)
    client.result(client.send(SoundRequest.SAY, SoundRequest.PLAY_ONCE, SHORT, volume=1.0))
    assert wait_for(lambda: pcm_seconds(audio) >= seconds - 1e-6, 10)  # may trail the result
    full = from_pcm16(b"".join(bytes(m.data) for m in audio.messages))
    start = len(audio)
    client.result(client.send(SoundRequest.SAY, SoundRequest.PLAY_ONCE, SHORT, volume=0.5))
    assert wait_for(lambda: pcm_seconds(audio) >= 2 * seconds - 1e-6, 10)
    half = from_pcm16(b"".join(bytes(m.data) for m in audio.messages[start:]))
    assert len(half) == len(full) and node.stats.spoken == 2
    assert np.allclose(half, full * 0.5, atol=2 / 32767)  # seed 3: the same speech, at half


def test_a_goal_the_queue_refuses_is_aborted(ros, test_model, sounds):
    node = start_node(ros, test_model, sounds[0], max_queue=1, queue_policy="drop_new")
    client = SoundClient(ros)
    long = " ".join(["This sentence keeps the robot talking for a while."] * 3)
    speaking = client.send(SoundRequest.SAY, SoundRequest.PLAY_ONCE, long)
    assert wait_for(lambda: any(f.feedback.playing for _, f in client.feedback), 60.0)
    waiting = client.send(SoundRequest.SAY, SoundRequest.PLAY_ONCE, "I wait in the queue.")
    refused = client.send(SoundRequest.SAY, SoundRequest.PLAY_ONCE, "There is no room for me.")
    assert client.result(refused, 10.0).status == GoalStatus.STATUS_ABORTED
    assert "queue full" in node.stats.last_error
    speaking.cancel_goal_async()
    assert client.result(waiting).status == GoalStatus.STATUS_SUCCEEDED


def test_say_is_cut_to_max_chars_like_a_text(ros, test_model, sounds):
    node = start_node(ros, test_model, sounds[0], max_chars=30)
    audio = ros.subscribe(AudioData, "tts/audio_data")
    client = SoundClient(ros)
    handle = client.send(
        SoundRequest.SAY, SoundRequest.PLAY_ONCE, f"{SHORT} Please come in and sit by the window."
    )
    assert client.result(handle).status == GoalStatus.STATUS_SUCCEEDED
    expected = node.engine.estimate_seconds(SHORT)  # what is left at a sentence end
    assert wait_for(lambda: pcm_seconds(audio) >= expected - 1e-6, 10.0)
    assert pcm_seconds(audio) == pytest.approx(expected, abs=1e-6)
