# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""tts_node over real rclpy on loopback, with the small random model and no sound card."""

import threading
import time

import pytest
from rclpy.qos import DurabilityPolicy, QoSProfile, ReliabilityPolicy

from gates import SynthesisGate
from ros_harness import LATCHED, RosHarness, wait_for

# audio_common_msgs: the test-only copy scripts/setup.sh builds (test/interfaces).
from audio_common_msgs.msg import AudioDataStamped, AudioInfo
from ishowtts_msgs.msg import Heard
from diagnostic_msgs.msg import DiagnosticArray
from std_msgs.msg import Bool, String
from std_srvs.srv import Trigger

from tts_nodes import (
    PARAGRAPH,
    LONG,
    start_node,
    statuses,
    values,
    seconds_of,
    said,
    gaps_between,
)


@pytest.fixture
def ros():
    harness = RosHarness()
    yield harness
    harness.close()


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
