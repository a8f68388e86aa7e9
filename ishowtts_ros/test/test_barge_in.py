# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Barge-in over real rclpy on loopback: the user speaks, the robot stops at once."""

import time

import pytest
from ros_harness import LATCHED, RosHarness, wait_for
from tts_nodes import seconds_of, start_node, stream_reply

# audio_common_msgs: the test-only copy scripts/setup.sh builds (test/interfaces).
from audio_common_msgs.msg import AudioDataStamped
from ishowtts_msgs.msg import Heard, Progress
from rclpy.parameter import Parameter
from std_msgs.msg import Bool, String
from std_srvs.srv import Trigger

from ishowtts_ros.speech.progress import word_times, words_of

SENTENCES = [
    "Hello there, I am the robot that brings your packages.",
    "The package is waiting at the front desk, three meters ahead of you on the left.",
    "Please take it before five o'clock today.",
    "Have a nice afternoon.",
]
NEXT_REPLY = "All right, I stopped. What can I do for you?"


@pytest.fixture
def ros():
    harness = RosHarness()
    yield harness
    harness.close()


def stamp_s(message) -> float:
    return message.header.stamp.sec + message.header.stamp.nanosec * 1e-9


def ros_now(node) -> float:
    return node.get_clock().now().nanoseconds * 1e-9


def interrupt_during_a_reply(ros, node, interrupt):
    """Stream a reply; once sentence 2 is heard, ``interrupt()``; return (audio, cut_at)."""
    audio = ros.subscribe(AudioDataStamped, "tts/audio")
    speaking = ros.subscribe(Bool, "tts/speaking", LATCHED)
    heard = ros.subscribe(Heard, "tts/heard")
    publisher = ros.publisher(String, "tts/text_stream")
    first_s = node.engine.estimate_seconds(SENTENCES[0])
    reply = " ".join(SENTENCES)
    heard_part = len(SENTENCES[0]) + len(SENTENCES[1]) + 5  # sentence 2 is complete
    stream_reply(publisher, reply[:heard_part])
    # In sentence 2: heard what is published, but for the frame out and the publishing lead.
    out_ahead_s = node.settings.publish_frame_s + node.settings.publish_lead_s
    assert wait_for(lambda: seconds_of(audio.messages) > first_s + out_ahead_s + 0.2, 60.0)
    interrupt()
    assert wait_for(lambda: not speaking.messages[-1].data, 30.0)
    cut_at = ros_now(node)  # the interrupt counted before speaking false went out
    assert wait_for(lambda: len(heard) >= 1, 10.0)
    check_heard_up_to_the_cut(node, heard.messages[0], audio.messages, reply[:heard_part])
    stream_reply(publisher, reply[heard_part:])  # the rest of the interrupted reply
    publisher.publish(String(data=""))
    assert wait_for(lambda: node.stats.dropped == 2, 10.0), vars(node.stats)  # reply + pieces
    # Everything published of it ends within a frame (plus the publishing lead) of the cut.
    out = list(audio.messages)
    end = stamp_s(out[-1]) + len(out[-1].audio.data) / 2 / 24000
    frame_s, lead_s = node.settings.publish_frame_s, node.settings.publish_lead_s
    print(f"audio went on {(end - cut_at) * 1000:.0f} ms after the interrupt counted")
    assert end <= cut_at + frame_s + lead_s + 0.02
    # The next reply is spoken whole.
    stream_reply(publisher, NEXT_REPLY)
    publisher.publish(String(data=""))
    assert wait_for(lambda: node.stats.spoken == 1, 60.0), node.stats.last_error
    # Said sentence by sentence as it streamed in: about what the whole text takes.
    expected = node.engine.estimate_seconds(NEXT_REPLY)
    assert wait_for(lambda: seconds_of(audio.messages[len(out) :]) >= 0.9 * expected, 10.0)
    assert seconds_of(audio.messages[len(out) :]) == pytest.approx(expected, rel=0.1)


def said_words(node, text):
    return [word for plan in node.engine.plan(text) for word in words_of(plan.text)]


def check_heard_up_to_the_cut(node, report, frames, received):
    """tts/heard: sentence 1 and sentence 2 up to the audio position (±1 word) heard."""
    assert (report.outcome, report.cut) == (Heard.DROPPED, True), report
    assert report.text == received
    heard, not_heard = words_of(report.heard), words_of(report.not_heard)
    assert heard + not_heard == said_words(node, received)
    first = said_words(node, SENTENCES[0])
    assert heard[: len(first)] == first
    # The audio position when it ended, by the stamps of the frames that went out.
    ended = stamp_s(report)
    position = sum(
        min(max(0.0, ended - stamp_s(f)), len(f.audio.data) / 2 / 24000) for f in frames
    )
    assert report.heard_s == pytest.approx(position, abs=node.settings.publish_frame_s)
    # The words heard whole by then, by the estimate: sentence 2 spread over its audio.
    first_s = node.engine.estimate_seconds(SENTENCES[0])
    second = word_times(
        " ".join(said_words(node, SENTENCES[1])), node.engine.estimate_seconds(SENTENCES[1])
    )
    expected = len(first) + sum(1 for _, _, end in second if first_s + end <= position)
    print(f"heard {len(heard)} words, {expected} by the audio position {position:.2f} s")
    assert abs(len(heard) - expected) <= 1


def test_a_user_speaking_longer_than_min_s_cuts_the_reply_and_its_later_pieces(ros, test_model):
    node = start_node(
        ros, test_model, interrupt_topic="user_speaking", interrupt_min_s=0.5, stream_idle_s=60.0
    )
    vad = ros.publisher(Bool, "user_speaking")

    def user_speaks():
        vad.publish(Bool(data=True))  # and goes on speaking: the VAD says so every frame
        deadline = time.monotonic() + 30.0
        while node.speaker._speaking and time.monotonic() < deadline:
            vad.publish(Bool(data=True))
            time.sleep(0.05)

    interrupt_during_a_reply(ros, node, user_speaks)
    vad.publish(Bool(data=False))


def test_the_interrupt_service_cuts_the_reply_and_its_later_pieces(ros, test_model):
    node = start_node(ros, test_model, stream_idle_s=60.0)  # the reply stays open meanwhile

    def interrupt():
        response = ros.call(Trigger, "tts/interrupt", Trigger.Request())
        assert response.success and response.message.startswith("interrupted; heard ")
        # Sentence 1 was heard whole (the words as the model read them).
        assert "'Hello there, I am the robot that brings your packages." in response.message

    interrupt_during_a_reply(ros, node, interrupt)


def test_a_blip_shorter_than_min_s_does_not_interrupt(ros, test_model):
    """min_s long enough that the blip's two messages are always within it."""
    node = start_node(ros, test_model, interrupt_topic="user_speaking", interrupt_min_s=10.0)
    vad = ros.publisher(Bool, "user_speaking")
    audio = ros.subscribe(AudioDataStamped, "tts/audio")
    ros.publisher(String, "tts/text").publish(String(data=SENTENCES[1]))
    assert wait_for(lambda: len(audio) >= 1, 60.0)
    vad.publish(Bool(data=True))
    vad.publish(Bool(data=False))
    assert wait_for(lambda: node.stats.spoken == 1, 60.0), node.stats.last_error
    assert node.stats.dropped == 0
    # A user who speaks on (here: min_s lowered to 0) interrupts the next text at once.
    assert node.set_parameters([Parameter("interrupt_min_s", value=0.0)])[0].successful
    ros.publisher(String, "tts/text").publish(String(data=SENTENCES[1]))
    assert wait_for(lambda: node.speaker._speaking, 60.0)
    vad.publish(Bool(data=True))
    assert wait_for(lambda: node.stats.dropped == 1, 30.0)
    assert "user_speaking" in node.stats.last_error


def test_progress_gives_the_words_being_heard_in_order_then_silence(ros, test_model):
    node = start_node(ros, test_model)
    progress = ros.subscribe(Progress, "tts/progress")
    speaking = ros.subscribe(Bool, "tts/speaking", LATCHED)
    text = SENTENCES[1]
    words = said_words(node, text)
    ros.publisher(String, "tts/text").publish(String(data=text))
    assert wait_for(lambda: node.stats.spoken == 1, 60.0), node.stats.last_error
    assert wait_for(lambda: not speaking.messages[-1].data, 10.0)
    assert wait_for(lambda: len(progress) >= 3 and progress.messages[-1].word == "", 10.0)
    seen = [m for m in progress.messages if m.word]
    print(f"{len(seen)} of {len(words)} words seen on tts/progress")
    # In order, each at its place in the text, later in the audio and in time.
    assert len(seen) >= 2 and all(m.word == words[m.word_index] for m in seen)
    assert all(a.word_index < b.word_index for a, b in zip(seen, seen[1:], strict=False))
    assert all(a.position_s < b.position_s for a, b in zip(seen, seen[1:], strict=False))
    assert all(stamp_s(a) < stamp_s(b) for a, b in zip(seen, seen[1:], strict=False))


def test_two_publishers_streaming_at_once_make_two_replies(ros, test_model):
    """Each publisher's pieces are a reply of its own: never one utterance of both."""
    node = start_node(ros, test_model, stream_idle_s=60.0)
    first = ros.publisher(String, "tts/text_stream")
    second = ros.probe.create_publisher(String, "tts/text_stream", 10)
    assert wait_for(lambda: second.get_subscription_count() > 0, 60.0)
    first.publish(String(data="Hello from the "))
    second.publish(String(data="Greetings from the "))
    first.publish(String(data="kitchen."))
    second.publish(String(data="garage."))
    first.publish(String(data=""))
    second.publish(String(data=""))
    assert wait_for(lambda: node.stats.spoken == 2, 60.0), node.stats.last_error
    assert node.stats.dropped == 0
