# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""tts_node over real rclpy on loopback, with the small random model and no sound card."""

import math
import threading
import time

import pytest
from rclpy.parameter import Parameter
from rclpy.qos import DurabilityPolicy, QoSProfile, ReliabilityPolicy

from gates import Gate, SynthesisGate
from ros_harness import LATCHED, RosHarness, wait_for

# audio_common_msgs: the test-only copy scripts/setup.sh builds (test/interfaces).
from audio_common_msgs.msg import AudioDataStamped, AudioInfo
from ishowtts_msgs.msg import Heard
from diagnostic_msgs.msg import DiagnosticArray
from rcl_interfaces.srv import SetParameters
from std_msgs.msg import Bool, String
from std_srvs.srv import Trigger

from ishowtts_ros.nodes.tts_node import TtsNode
from ishowtts_ros.speech.diagnostics import STATUS_NAME
from ishowtts_ros.speech.progress import words_of

PARAGRAPH = (
    "The package has arrived at the front desk. Please collect it before five o'clock "
    "today. If you need help carrying it, ask the robot at the entrance."
)
LONG = " ".join(["This sentence keeps the robot talking for a while."] * 6)


@pytest.fixture
def ros():
    harness = RosHarness()
    yield harness
    harness.close()


def start_node(ros, test_model, **params):
    """Start a tts_node on the test model; return it loaded and warmed up."""
    node = make_node(ros, test_model, **params)
    assert wait_for(lambda: node.stats.engine_state != "loading", 60.0)
    assert wait_for(lambda: not node.speaker.warming_up, 120.0)
    return node


def make_node(ros, test_model, **params):
    """Construct a tts_node on the test model (no sound card); it loads meanwhile."""
    overrides = {
        "play_audio": False,
        "ckpt_file": test_model["safetensors"],
        "model": test_model["model"],
        "vocab_file": test_model["vocab"],
        "vocoder_dir": test_model["vocoder"],
        "voices_file": test_model["voices"],
        "device": "cpu",
        "dtype": "fp32",
        "allow_download": False,
        **params,
    }
    return ros.add(
        TtsNode(
            context=ros.context,
            parameter_overrides=[Parameter(k, value=v) for k, v in overrides.items()],
        )
    )


def statuses(collector):
    return [s for msg in list(collector.messages) for s in msg.status if s.name == STATUS_NAME]


def values(status):
    return {kv.key: kv.value for kv in status.values}


def seconds_of(messages) -> float:
    return sum(len(m.audio.data) for m in messages) / 2 / 24000


def test_speaks_streamed_chunks_of_the_planned_length_in_short_frames(ros, test_model):
    node = start_node(ros, test_model)
    audio = ros.subscribe(AudioDataStamped, "tts/audio")
    info = ros.subscribe(AudioInfo, "tts/audio_info", LATCHED)
    speaking = ros.subscribe(Bool, "tts/speaking", LATCHED)
    plan = node.engine.plan(PARAGRAPH)
    with SynthesisGate(node.engine, chunks=1):  # the rest waits: the first chunk goes alone
        ros.publisher(String, "tts/text").publish(String(data=PARAGRAPH))
        assert wait_for(lambda: len(audio) >= 1, 60.0)
    assert wait_for(lambda: node.stats.spoken == 1, 60.0)
    assert wait_for(lambda: len(speaking) >= 3 and not speaking.messages[-1].data, 10.0)
    assert [m.data for m in speaking.messages][-2:] == [True, False]

    expected = node.engine.estimate_seconds(PARAGRAPH)
    assert wait_for(lambda: seconds_of(audio.messages) >= expected - 1e-6, 10.0)
    assert seconds_of(audio.messages) == pytest.approx(expected, abs=1e-6)
    assert len(plan) >= 2
    frame_s = node.settings.publish_frame_s
    assert all(len(m.audio.data) / 2 / 24000 <= frame_s + 1e-9 for m in audio.messages)
    # Frames follow each other exactly, never overlapping. Between the two chunks a gap is
    # possible where the second one's synthesis (held by the gate until the first frame
    # arrived) outlasts the first one's audio: not within a chunk.
    gaps = gaps_between(audio.messages)
    assert min(gaps) >= -1e-6 and sum(gap > 1e-6 for gap in gaps) <= 1, gaps
    assert wait_for(lambda: len(info) == 1, 5.0)
    assert (info.messages[0].sample_rate, info.messages[0].sample_format) == (24000, "S16LE")


def test_stop_mid_utterance_clears_the_queue(ros, test_model):
    node = start_node(ros, test_model)
    audio = ros.subscribe(AudioDataStamped, "tts/audio")
    speaking = ros.subscribe(Bool, "tts/speaking", LATCHED)
    publisher = ros.publisher(String, "tts/text")
    with SynthesisGate(node.engine, chunks=1):  # the first text's first chunk, then held
        for _ in range(3):
            publisher.publish(String(data=LONG))
        assert wait_for(lambda: len(audio) >= 1 and len(node.queue) == 2, 60.0)
        started = time.monotonic()
        response = ros.call(Trigger, "tts/stop", Trigger.Request())
        answered = time.monotonic() - started
        before = len(audio)  # its second chunk is still held: it must never come
    print(f"tts/stop answered in {answered * 1000:.1f} ms")
    assert response.success and response.message == "stopped; cleared 2 queued texts"
    assert wait_for(lambda: not speaking.messages[-1].data, 5.0)
    last = "Stop, then say this."
    publisher.publish(String(data=last))  # a stop does not eat the next text
    assert wait_for(lambda: node.stats.spoken + node.stats.dropped == 4, 60.0)
    assert node.stats.spoken == 1 and node.stats.dropped == 3
    # Everything that came after the stop is the last text: the stopped one sent no more.
    expected = node.engine.estimate_seconds(last)

    def seconds_after_stop():
        return sum(len(m.audio.data) for m in audio.messages[before:]) / 2 / 24000

    wait_for(lambda: seconds_after_stop() >= expected - 1e-6, 30.0)  # still on its way
    assert seconds_after_stop() == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("policy", ["drop_new", "drop_oldest"])
def test_flood_of_200_with_max_queue_8(ros, test_model, policy):
    node = start_node(ros, test_model, max_queue=8, queue_policy=policy)
    diagnostics = ros.subscribe(DiagnosticArray, "/diagnostics")
    publisher = ros.publisher(String, "tts/text")
    with SynthesisGate(node.engine) as gate:  # the worker stays on its first text
        publisher.publish(String(data=LONG))
        assert gate.reached.wait(60.0)
        for index in range(200):
            publisher.publish(String(data=f"Flood message number {index}."))
        assert wait_for(lambda: node.stats.dropped + len(node.queue) == 200, 10.0)
        assert node.stats.dropped == 192 and node.stats.spoken == 0
        kept = [item.text for item in node.queue._items]
        first_kept = 0 if policy == "drop_new" else 192
        assert kept == [f"Flood message number {i}." for i in range(first_kept, first_kept + 8)]
        assert wait_for(
            lambda: (
                statuses(diagnostics) and values(statuses(diagnostics)[-1])["dropped"] == "192"
            ),
            5.0,
        )
        assert statuses(diagnostics)[-1].level == b"\x01"  # queue more than 80 % full

        # tts/stop is answered while a second flood comes in
        answers = []
        stopper = threading.Thread(
            target=lambda: answers.append(ros.call(Trigger, "tts/stop", Trigger.Request()))
        )
        for index in range(200):
            publisher.publish(String(data=f"Second flood {index}."))
            if index == 20:
                stopper.start()
        stopper.join(10.0)
        assert answers and answers[0].success and "cleared" in answers[0].message


def said(node, text):
    """``text`` as the voice says it (numbers as words), word by word."""
    return " ".join(w for plan in node.engine.plan(text) for w in words_of(plan.text))


def test_ten_texts_while_one_plays_one_is_looked_ahead_and_the_policy_drops_eight(ros, test_model):
    """max_queue 1, drop_oldest: the speaker no longer synthesises every text ahead.

    ``lookahead_s`` 60: the first of the ten is taken as soon as the paragraph is
    synthesised; the paragraph plays for seconds, the other nine come within milliseconds.
    """
    node = start_node(ros, test_model, max_queue=1, queue_policy="drop_oldest", lookahead_s=60.0)
    audio = ros.subscribe(AudioDataStamped, "tts/audio")
    heard = ros.subscribe(Heard, "tts/heard")
    publisher = ros.publisher(String, "tts/text")
    publisher.publish(String(data=PARAGRAPH))
    assert wait_for(lambda: len(audio) > 0, 60.0)  # taken: the queue's one place is free
    publisher.publish(String(data="Text number 1."))
    # Both synthesised, the paragraph still playing (seconds of it): nothing more is taken.
    assert wait_for(lambda: len(node.speaker._unheard) == 2, 60.0)
    for index in range(2, 11):
        publisher.publish(String(data=f"Text number {index}."))
    assert wait_for(lambda: node.stats.dropped == 8, 10.0), node.stats.last_error
    assert [item.text for item in node.queue._items] == ["Text number 10."]
    assert "queue full (1): oldest dropped" in node.stats.last_error
    assert wait_for(lambda: node.stats.spoken == 3, 60.0), node.stats.last_error
    assert node.stats.dropped == 8 and len(audio) > 0
    # tts/heard: each text once, in the order they ended; the dropped ones heard not at all.
    assert wait_for(lambda: len(heard) == 11, 10.0)
    dropped = [m for m in heard.messages if m.outcome == Heard.DROPPED]
    assert [m.text for m in dropped] == [f"Text number {i}." for i in range(2, 10)]
    assert all(
        (m.heard, m.not_heard, m.cut, m.heard_s) == ("", said(node, m.text), False, 0.0)
        and m.reason == "queue full (1): oldest dropped"
        for m in dropped
    )
    spoken = [m for m in heard.messages if m.outcome == Heard.SPOKEN]
    assert [m.text for m in spoken] == [PARAGRAPH, "Text number 1.", "Text number 10."]
    assert all((m.heard, m.not_heard, m.cut) == (said(node, m.text), "", False) for m in spoken)
    assert spoken[0].heard_s == pytest.approx(node.engine.estimate_seconds(PARAGRAPH), abs=0.1)


def test_interrupt_stops_the_current_text(ros, test_model):
    node = start_node(ros, test_model, queue_policy="interrupt")
    speaking = ros.subscribe(Bool, "tts/speaking", LATCHED)
    publisher = ros.publisher(String, "tts/text")
    with SynthesisGate(node.engine, chunks=1):  # speaking its first chunk, the rest held
        publisher.publish(String(data=LONG))
        assert wait_for(lambda: any(m.data for m in speaking.messages), 60.0)
        publisher.publish(String(data="Stop, new orders."))
        assert wait_for(lambda: node.stats.dropped == 1, 10.0)
    assert wait_for(lambda: node.stats.spoken == 1, 60.0)
    assert node.stats.dropped == 1 and node.stats.last_error == "interrupted by a newer text"


def test_queue_policy_speaks_everything_in_order(ros, test_model):
    node = start_node(ros, test_model)
    publisher = ros.publisher(String, "tts/text")
    for text in ("One.", "Two is here.", "Three is the last one."):
        publisher.publish(String(data=text))
    assert wait_for(lambda: node.stats.spoken == 3, 60.0)
    assert node.stats.dropped == 0


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


def test_chinese_edge_texts_are_all_spoken(ros, test_model):
    """Spoken means heard: the 2000-character paragraph (4 minutes) is the engine tests'."""
    from test_parity import EDGE_TEXTS

    texts = [text for name, text in EDGE_TEXTS.items() if name != "paragraph_2000_chars"]
    node = start_node(ros, test_model)
    publisher = ros.publisher(String, "tts/text")
    for text in texts:
        publisher.publish(String(data=text))
    assert wait_for(lambda: node.stats.spoken + node.stats.failed == len(texts), 120.0)
    assert node.stats.spoken == len(texts), node.stats.last_error


CLOCKS_S = 0.002  # the system and monotonic clocks read one after the other
DEPTH_1_LATCHED = QoSProfile(
    depth=1, reliability=ReliabilityPolicy.RELIABLE, durability=DurabilityPolicy.TRANSIENT_LOCAL
)


@pytest.mark.parametrize("text,chunks", [(PARAGRAPH, 2), ("The door is open now.", 1)])
def test_published_only_speech_is_paced_and_speaking_lasts_as_its_audio(
    ros, test_model, text, chunks
):
    """Without local playback, tts/speaking covers the audio a remote player plays.

    Each chunk is stamped with its start; none goes out earlier than its start minus the
    lead, and speaking ends no earlier than the last chunk's end (later on a busy machine).
    """
    node = start_node(ros, test_model)  # play_audio false: audio is only published
    speaking = ros.subscribe(Bool, "tts/speaking", DEPTH_1_LATCHED)
    audio = ros.subscribe(AudioDataStamped, "tts/audio")
    assert wait_for(lambda: len(speaking) >= 1, 5.0)
    ros.publisher(String, "tts/text").publish(String(data=text))
    assert wait_for(lambda: any(m.data for m in speaking.messages), 60.0)
    assert wait_for(lambda: not speaking.messages[-1].data, 60.0)
    assert len(node.engine.plan(text)) == chunks
    expected = node.engine.estimate_seconds(text)
    # Topics are not ordered with each other: the last frames may come after speaking false.
    assert wait_for(lambda: seconds_of(audio.messages) >= expected - 1e-6, 10.0)
    assert seconds_of(audio.messages) == pytest.approx(expected, abs=1e-6)
    to_ros_time = time.time() - time.monotonic()  # stamps are ROS (system) time
    starts = [m.header.stamp.sec + m.header.stamp.nanosec * 1e-9 for m in audio.messages]
    seconds = [len(m.audio.data) / 2 / 24000 for m in audio.messages]
    received = [t + to_ros_time for t in audio.times]
    lead = node.settings.publish_lead_s
    assert all(r >= start - lead - CLOCKS_S for r, start in zip(received, starts, strict=True))
    assert speaking.times[-1] + to_ros_time >= starts[-1] + seconds[-1] - CLOCKS_S
    # Frames (and chunks) follow each other without a gap.
    assert starts == pytest.approx([starts[0] + sum(seconds[:i]) for i in range(len(starts))])


def test_stop_cuts_published_audio_that_is_not_out_yet(ros, test_model):
    # Whole chunks (no short first one): the second waits seconds for its turn.
    # Whole chunks, looked ahead at once: the second is synthesised while the first plays.
    node = start_node(ros, test_model, first_chunk_max_bytes=0, lookahead_s=60.0)
    speaking = ros.subscribe(Bool, "tts/speaking", LATCHED)
    audio = ros.subscribe(AudioDataStamped, "tts/audio")
    publisher = ros.publisher(String, "tts/text")
    text = " ".join([LONG] * 3)
    plans = node.engine.plan(text)
    assert len(plans) >= 3
    first_chunk_s = (plans[0].duration - plans[0].ref_frames) * 256 / 24000
    with SynthesisGate(node.engine, chunks=2) as gate:  # two chunks synthesised, then held
        publisher.publish(String(data=text))
        assert gate.reached.wait(60.0) and wait_for(lambda: len(audio) >= 1, 10.0)
        assert ros.call(Trigger, "tts/stop", Trigger.Request()).success
    assert wait_for(lambda: not speaking.messages[-1].data, 10.0)
    out = len(audio)
    # The first chunk's frames not out yet, and the whole second chunk, were cut.
    assert seconds_of(audio.messages) < first_chunk_s
    # Not heard to its end: dropped, not spoken.
    assert (node.stats.spoken, node.stats.dropped) == (0, 1)
    assert node.stats.last_error == "stopped while speaking"
    # What comes next is the next text alone: nothing of the stopped one follows.
    publisher.publish(String(data="Next."))
    assert wait_for(lambda: node.stats.spoken == 1, 60.0)
    next_s = node.engine.estimate_seconds("Next.")
    assert wait_for(lambda: seconds_of(audio.messages[out:]) >= next_s - 1e-6, 10.0)
    assert seconds_of(audio.messages[out:]) == pytest.approx(
        node.engine.estimate_seconds("Next."), abs=1e-6
    )


def write_voices(tmp_path, test_model, **clips):
    """Write a registry with a voice per keyword: a clip path, or None for a silent clip."""
    import numpy as np
    import soundfile

    lines = ["voices:"]
    for voice_id, clip in clips.items():
        if clip is None:
            clip = str(tmp_path / f"{voice_id}.wav")
            soundfile.write(clip, np.zeros(48000, np.float32), 24000)
        lines.append(f"  - {{id: {voice_id}, ref_audio: {clip}, ref_text: Some words here.}}")
    path = tmp_path / "voices.yaml"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


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


def write_voices_yaml(test_model, *voice_ids):
    entries = "".join(
        f"  - {{id: {voice_id}, ref_audio: {test_model['voice']}, ref_text: A test voice.}}\n"
        for voice_id in voice_ids
    )
    return "voices:\n" + entries


def gaps_between(messages) -> list:
    """Seconds between the end of each frame and the start of the next one."""
    stamps = [m.header.stamp.sec + m.header.stamp.nanosec * 1e-9 for m in messages]
    ends = [
        start + len(m.audio.data) / 2 / 24000 for start, m in zip(stamps, messages, strict=True)
    ]
    return [start - end for start, end in zip(stamps[1:], ends[:-1], strict=True)]


def test_a_text_sent_while_another_plays_follows_it_without_a_gap(ros, test_model):
    """Published only: B is synthesised while A is heard; its audio starts as A's ends.

    NFE 32: B takes a while to synthesise; the old speaker (B synthesised only once A had
    been heard) left that time as silence between the two. A is made long enough, on this
    machine, for B to be synthesised well before A ends.
    """
    node = start_node(ros, test_model, nfe_step=32)
    audio = ros.subscribe(AudioDataStamped, "tts/audio")
    publisher = ros.publisher(String, "tts/text")
    sentence, second = "The package has arrived at the front desk.", "Turning left now."
    b_synthesis_s = node.engine.synthesize(second, use_phrase_cache=False).synthesis_s
    one = node.engine.synthesize(sentence, use_phrase_cache=False)
    spare = one.seconds - one.synthesis_s  # audio time left over per sentence of A
    assert spare > 0, f"this machine synthesises slower than real time: {one.synthesis_s} s"
    first = " ".join([sentence] * math.ceil(3 * b_synthesis_s / spare))
    publisher.publish(String(data=first))
    assert wait_for(lambda: len(audio) >= 1, 60.0)  # A is being heard
    publisher.publish(String(data=second))
    total = node.engine.estimate_seconds(first) + node.engine.estimate_seconds(second)
    assert wait_for(lambda: node.stats.spoken == 2, 120.0), node.stats.last_error
    assert wait_for(lambda: seconds_of(audio.messages) >= total - 1e-6, 10.0)  # may trail
    assert seconds_of(audio.messages) == pytest.approx(total, abs=1e-6)
    gap = max(gaps_between(audio.messages))
    print(f"largest gap: {gap * 1000:.1f} ms (B synthesised in {b_synthesis_s} s)")
    assert -1e-6 <= gap <= 1e-6


REPLY = (
    "Hello there, I am your robot. The package is at the front desk, three meters ahead. "
    "Please take it before five o'clock today."
)


def stream_reply(publisher, reply, pieces_of=4, period_s=0.05):
    """Publish ``reply`` as a language model writes it: a few characters 20 times a second."""
    for start in range(0, len(reply), pieces_of):
        publisher.publish(String(data=reply[start : start + pieces_of]))
        time.sleep(period_s)


def test_a_streamed_reply_is_heard_as_one_utterance_without_gaps(ros, test_model):
    """The whole reply is in before its first sentence is synthesised (the gate)."""
    node = start_node(ros, test_model)  # published only: stamps keep real time
    speaking = ros.subscribe(Bool, "tts/speaking", LATCHED)
    audio = ros.subscribe(AudioDataStamped, "tts/audio")
    publisher = ros.publisher(String, "tts/text_stream")
    with SynthesisGate(node.engine) as gate:
        stream_reply(publisher, REPLY, period_s=0.0)
        publisher.publish(String(data=""))  # the end of the reply
        assert gate.reached.wait(60.0)
        assert wait_for(lambda: not node.text_input.replies, 10.0)  # the end is in: none open
    assert wait_for(lambda: node.stats.spoken == 1, 60.0), node.stats.last_error
    assert wait_for(lambda: len(speaking) >= 3, 10.0)  # speaking false is on its way
    assert [m.data for m in speaking.messages] == [False, True, False]  # one span
    gaps = gaps_between(audio.messages)
    print(f"{len(audio)} frames, largest gap between them: {max(gaps) * 1000:.1f} ms")
    assert len(audio) >= 2 and all(-1e-6 <= gap <= 1e-6 for gap in gaps)
    assert node.stats.dropped == node.stats.failed == 0


def test_a_streamed_reply_is_spoken_while_it_is_still_being_written(ros, test_model):
    node = start_node(ros, test_model)
    audio = ros.subscribe(AudioDataStamped, "tts/audio")
    publisher = ros.publisher(String, "tts/text_stream/test")  # a voice's own stream topic
    first, rest = REPLY.split(". ", 1)
    stream_reply(publisher, first + ". Th")  # the first sentence ends; the reply goes on
    assert wait_for(lambda: len(audio) >= 1, 60.0)  # heard before the reply is complete
    assert node.stats.spoken == 0 and len(node.queue) == 0
    stream_reply(publisher, rest[2:])
    publisher.publish(String(data=""))
    assert wait_for(lambda: node.stats.spoken == 1, 60.0), node.stats.last_error
    whole = node.engine.estimate_seconds(first + ".") + node.engine.estimate_seconds(rest)
    assert wait_for(lambda: seconds_of(audio.messages) >= 0.75 * whole, 10.0)  # may trail
    heard = seconds_of(audio.messages)
    assert heard == pytest.approx(whole, rel=0.25)  # the rest as whole chunks, not per piece


def test_a_stop_cuts_the_whole_streamed_reply_and_a_quiet_one_ends_by_itself(ros, test_model):
    node = start_node(ros, test_model, stream_idle_s=60.0)  # never idle while it is stopped
    speaking = ros.subscribe(Bool, "tts/speaking", LATCHED)
    publisher = ros.publisher(String, "tts/text_stream")
    stream_reply(publisher, "The first sentence of a long answer. And th")
    assert wait_for(lambda: speaking.messages[-1].data, 60.0)
    assert ros.call(Trigger, "tts/stop", Trigger.Request()).success
    stream_reply(publisher, "en the rest of that answer, never said.")  # the stopped reply's
    publisher.publish(String(data=""))
    assert wait_for(lambda: not speaking.messages[-1].data, 10.0)
    # The reply, and (once, with the reason) the pieces that came after its stop.
    assert wait_for(lambda: node.stats.dropped == 2, 10.0) and node.stats.spoken == 0
    assert "reply that was stopped" in node.stats.last_error
    assert node.set_parameters([Parameter("stream_idle_s", value=0.5)])[0].successful
    stream_reply(publisher, "A new reply that goes quiet")  # no end: idle for 0.5 s ends it
    assert wait_for(lambda: node.stats.spoken == 1, 60.0), node.stats.last_error


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
