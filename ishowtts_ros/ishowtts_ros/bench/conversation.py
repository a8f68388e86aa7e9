# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Conversation benchmark: how fast an interrupted robot falls silent, how late a flood is.

Starts ``tts_node`` as a process (published audio only, at real-time pace), then:

- interrupts: a reply streams in; once it has been heard for a while, ``tts/interrupt``
  is called; the published audio must end soon after. Reports, over ``--runs``, how long
  the audio on ``tts/audio`` (by its stamps) went on after the call, and how far the
  position ``tts/heard`` gives is from the audio out by then (by the stamps), in
  seconds and in words of the reply.
- streamed reply: four sentences stream in as a language model writes them (four
  characters 20 times a second); reports the first audio after the first sentence was
  complete, and the largest gap between its frames (stamps): the acceptance of gapless
  speech (``-p nfe_step:=32`` for the slow case).
- flood: a paragraph plays; ten short texts come at 10 Hz with ``max_queue: 1`` and
  ``drop_oldest``; reports what was spoken and dropped, and how late the last text ended
  after it was sent (a speaker that synthesises every text ahead says them all).

    bash scripts/conversation.sh [--runs 20] [--params-file FILE] [-p name:=value ...]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

from ishowtts_ros.bench.soak import add_node_arguments, node_command, stop_process
from ishowtts_ros.bench.soak_client import SoakClient, Speaker

REPLY = (
    "Hello there, I am the robot that brings your packages. The package is waiting at the "
    "front desk, three meters ahead. Pl"  # a third sentence begins: the second is complete
)
PARAGRAPH = (
    "The package has arrived at the front desk. Please collect it before five o'clock "
    "today. If you need help carrying it, ask the robot at the entrance."
)
STREAMED_REPLY = (
    "Hello there, I am your robot. The package is at the front desk, three meters ahead. "
    "Please take it before five o'clock today. Have a nice afternoon."
)
PIECE_CHARS, PIECE_PERIOD_S = 4, 0.05
HEARD_BEFORE_CUT_S = 1.5  # into the reply when it is interrupted
AFTER_SILENCE_S = 0.6  # waited after speaking false: frames still on their way arrive


def ros_now(client: SoakClient) -> float:
    return client.node.get_clock().now().nanoseconds * 1e-9


def interrupts(client: SoakClient, speaker: Speaker, runs: int) -> dict:
    """Seconds of published audio after each ``tts/interrupt``."""
    from ishowtts_msgs.msg import Heard

    stream = client.node.create_publisher(speaker.String, "tts/text_stream", 100)
    interrupt = client.node.create_client(speaker.Trigger, "tts/interrupt")
    reports: list = []
    client.node.create_subscription(Heard, "tts/heard", reports.append, 100)
    after, position_off, words_off = [], [], []
    for run in range(runs):
        frames = len(speaker.audio_frames)
        stream.publish(speaker.String(data=REPLY))
        if not client.spin_until(lambda n=frames: len(speaker.audio_frames) > n, client.timeout):
            raise TimeoutError("the reply was not heard")
        due = speaker.audio_frames[frames][0] + HEARD_BEFORE_CUT_S
        client.spin_until(lambda due=due: ros_now(client) >= due, HEARD_BEFORE_CUT_S + 1.0)
        cut = ros_now(client)
        client.call(interrupt, speaker.Trigger.Request())
        if not client.spin_until(lambda: speaker.speaking[-1:] == [False], client.timeout):
            raise TimeoutError("speaking did not end after the interrupt")
        client.spin_until(lambda: False, AFTER_SILENCE_S)
        after.append(speaker.audio_end() - cut)
        if not client.spin_until(lambda run=run: len(reports) > run, client.timeout):
            raise TimeoutError("tts/heard did not report the interrupted reply")
        report = reports[-1]
        off = report.heard_s - audio_out(speaker.audio_frames[frames:], report, speaker.audio_rate)
        heard_words = len(report.heard.split())
        position_off.append(off)
        words_off.append(abs(off) * heard_words / report.heard_s if report.heard_s else 0.0)
        stream.publish(speaker.String(data=""))  # the app ends the interrupted reply
    # Each reply ended dropped: the counts (diagnostics, 1 Hz) say so before the flood.
    if not client.spin_until(lambda: speaker.accounted() >= runs, client.timeout):
        raise TimeoutError("the interrupted replies were not accounted for")
    return {
        "runs": runs,
        "audio_after_s": after,
        "median_s": statistics.median(after),
        "max_s": max(after),
        "heard_position_off_s": position_off,
        "heard_words_off_median": statistics.median(words_off),
        "heard_words_off_max": max(words_off),
    }


def audio_out(frames, report, rate: int) -> float:
    """Seconds of ``frames`` (stamp, samples) that had started playing when ``report`` ended."""
    ended = report.header.stamp.sec + report.header.stamp.nanosec * 1e-9
    return sum(min(max(0.0, ended - start), samples / rate) for start, samples in frames)


def streamed_reply(client: SoakClient, speaker: Speaker) -> dict:
    """First audio and the largest gap of a reply streamed in piece by piece."""
    stream = client.node.create_publisher(speaker.String, "tts/text_stream", 100)
    frames, accounted = len(speaker.audio_frames), speaker.accounted()
    sentence_complete = None
    for start in range(0, len(STREAMED_REPLY), PIECE_CHARS):
        piece = STREAMED_REPLY[start : start + PIECE_CHARS]
        stream.publish(speaker.String(data=piece))
        if sentence_complete is None and "." in piece:
            sentence_complete = ros_now(client)
        client.spin_until(lambda: False, PIECE_PERIOD_S)
    stream.publish(speaker.String(data=""))
    if not client.spin_until(
        lambda: len(speaker.audio_frames) > frames and speaker.speaking[-1:] == [False],
        client.timeout,
    ):
        raise TimeoutError("the streamed reply was not heard to its end")
    # Counted (diagnostics, 1 Hz) before the flood counts what it says.
    if not client.spin_until(lambda: speaker.accounted() > accounted, client.timeout):
        raise TimeoutError("the streamed reply was not accounted for")
    reply = speaker.audio_frames[frames:]
    ends = [stamp + samples / speaker.audio_rate for stamp, samples in reply]
    gaps = [start - end for (start, _), end in zip(reply[1:], ends, strict=False)]
    return {
        "first_audio_s": reply[0][0] - sentence_complete,
        "largest_gap_s": max(gaps, default=0.0),
        "frames": len(reply),
    }


def flood(client: SoakClient, speaker: Speaker) -> dict:
    """Ten texts at 10 Hz while a paragraph plays: what is said, and how late the last."""
    client.set_parameters(speaker, {"max_queue": 1, "queue_policy": "drop_oldest"})
    before = dict(speaker.counts)
    frames = len(speaker.audio_frames)
    speaker.publisher.publish(speaker.String(data=PARAGRAPH))
    if not client.spin_until(lambda: len(speaker.audio_frames) > frames, client.timeout):
        raise TimeoutError("the paragraph was not heard")
    sent = 0.0
    for number in range(1, 11):
        speaker.publisher.publish(speaker.String(data=f"Text number {number}."))
        sent = ros_now(client)
        client.spin_until(lambda: False, 0.1)
    accounted = sum(before.values()) + 11
    if not client.spin_until(lambda: speaker.done_with(accounted), client.timeout):
        raise TimeoutError("the flood was not accounted for")
    client.spin_until(lambda: False, AFTER_SILENCE_S)
    counts = {k: speaker.counts[k] - before.get(k, 0) for k in ("spoken", "dropped")}
    return {**counts, "last_ended_after_sent_s": speaker.audio_end() - sent}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="ishowtts-conversation", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--runs", type=int, default=20, help="interrupts (default 20)")
    add_node_arguments(parser, "conversation.json", 300.0, "seconds per wait at most")
    args = parser.parse_args(argv)
    args.sound_card = "none"  # published only: the stamps keep real time
    args.param = [*args.param, "stream_idle_s:=60.0", "fallback_voice:=none"]
    process = subprocess.Popen(
        node_command(args), stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    client = SoakClient(args.timeout)
    try:
        speaker = client.speaker()
        client.wait_for(speaker)
        results = {"interrupts": interrupts(client, speaker, args.runs)}
        results["streamed_reply"] = streamed_reply(client, speaker)
        results["flood"] = flood(client, speaker)
    finally:
        client.close()
        stop_process(process)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as stream:
        json.dump(results, stream, indent=1)
    cut, flooded = results["interrupts"], results["flood"]
    print(
        f"interrupt -> silence on tts/audio: median {cut['median_s'] * 1000:.0f} ms, "
        f"max {cut['max_s'] * 1000:.0f} ms over {cut['runs']}"
    )
    print(
        f"tts/heard vs the audio out (stamps): {cut['heard_words_off_median']:.2f} words off "
        f"(median), {cut['heard_words_off_max']:.2f} at most"
    )
    reply = results["streamed_reply"]
    print(
        f"streamed reply (4 sentences, {PIECE_CHARS} characters every {PIECE_PERIOD_S} s): "
        f"first audio {reply['first_audio_s']:.2f} s after its first sentence, largest gap "
        f"{reply['largest_gap_s'] * 1000:.0f} ms over {reply['frames']} frames"
    )
    print(
        f"flood of 10 (max_queue 1, drop_oldest): spoken {flooded['spoken']}, dropped "
        f"{flooded['dropped']}; the last ended {flooded['last_ended_after_sent_s']:.2f} s "
        "after it was sent"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
