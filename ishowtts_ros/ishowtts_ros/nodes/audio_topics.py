# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""tts_node's audio topics.

tts/audio (stamped chunks), tts/audio_data (the same bytes, for audio_common's stock
``audio_play``) and tts/audio_info (latched).
"""

from __future__ import annotations

import array
import time

from rclpy.qos import DurabilityPolicy, QoSProfile, ReliabilityPolicy

from ishowtts_ros.audio.wav import to_pcm16

AUDIO_QOS = QoSProfile(depth=100, reliability=ReliabilityPolicy.RELIABLE)
LATCHED = QoSProfile(
    depth=1, reliability=ReliabilityPolicy.RELIABLE, durability=DurabilityPolicy.TRANSIENT_LOCAL
)


class AudioTopics:
    """Publishes S16LE mono chunks stamped with their start time, and what they are."""

    def __init__(self, node, messages, sample_rate: int):
        """``messages``: the ``audio_common_msgs.msg`` module."""
        self.node = node
        self.messages = messages
        self.audio = node.create_publisher(messages.AudioDataStamped, "tts/audio", AUDIO_QOS)
        # audio_play subscribes to AudioData only, never to the stamped message.
        self.audio_data = node.create_publisher(messages.AudioData, "tts/audio_data", AUDIO_QOS)
        info = node.create_publisher(messages.AudioInfo, "tts/audio_info", LATCHED)
        info.publish(
            messages.AudioInfo(
                channels=1,
                sample_rate=sample_rate,
                sample_format="S16LE",
                bitrate=16 * sample_rate,
                coding_format="wave",
            )
        )
        self._info = info  # kept: a latched message lives as long as its publisher
        self._anchor = None
        self._end = 0.0

    def publish(self, samples, sample_rate: int, start: float) -> None:
        """Publish one chunk that starts at ``start`` (``time.monotonic`` seconds)."""
        # Chunks that follow each other keep one anchor, so their stamps step exactly.
        if self._anchor is None or abs(start - self._end) > 1e-6:
            self._anchor = (self.node.get_clock().now().nanoseconds, time.monotonic())
        anchor_ns, anchor_s = self._anchor
        self._end = start + len(samples) / sample_rate
        stamp_ns = anchor_ns + round((start - anchor_s) * 1e9)
        msg = self.messages.AudioDataStamped()
        msg.header.stamp.sec, msg.header.stamp.nanosec = divmod(stamp_ns, 1_000_000_000)
        msg.header.frame_id = "tts"
        # An array('B') is taken as it is; bytes would be checked byte by byte (10 ms per
        # 3 s of audio where the field checks run, as on Humble and Jazzy).
        msg.audio.data = array.array("B", to_pcm16(samples))
        self.audio.publish(msg)
        self.audio_data.publish(msg.audio)
