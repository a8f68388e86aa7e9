# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""tts_node without gaps: a text after another, and replies streamed in as written."""

import math

import pytest
from rclpy.parameter import Parameter

from gates import SynthesisGate
from ros_harness import LATCHED, RosHarness, wait_for

# audio_common_msgs: the test-only copy scripts/setup.sh builds (test/interfaces).
from audio_common_msgs.msg import AudioDataStamped
from std_msgs.msg import Bool, String
from std_srvs.srv import Trigger


from tts_nodes import (
    start_node,
    seconds_of,
    gaps_between,
    REPLY,
    stream_reply,
)


@pytest.fixture
def ros():
    harness = RosHarness()
    yield harness
    harness.close()


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
