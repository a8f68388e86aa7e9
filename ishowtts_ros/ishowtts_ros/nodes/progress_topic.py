# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""``tts/progress``: the word being heard (a face's lips, subtitles), "" in silence.

With ``tts/heard``, it needs ishowtts_msgs; a node built without it speaks all the same
and says once how to build it.
"""

from __future__ import annotations

from rclpy.duration import Duration

from ishowtts_ros.nodes.heard_topic import HeardTopic
from ishowtts_ros.speech.progress import Progress

PERIOD_S = 0.05  # a word lasts 0.2 s or more: each is published near its start
MISSING_MESSAGES = (
    "tts/progress and tts/heard off: ishowtts_msgs is not built or not sourced "
    "(colcon build --packages-up-to ishowtts_ros, then source install/setup.bash)"
)


def serve_progress_and_heard(node, speaker, callback_group) -> "ProgressTopic":
    """Publish ``tts/progress`` and ``tts/heard`` where ishowtts_msgs is installed."""
    try:
        from ishowtts_msgs.msg import Heard, Progress as ProgressMsg
    except ImportError:
        node.get_logger().warning(MISSING_MESSAGES)
        return ProgressTopic(node, speaker, callback_group, None)
    progress = ProgressTopic(node, speaker, callback_group, ProgressMsg)
    HeardTopic(node, speaker, progress.progress, callback_group, Heard)
    return progress


class ProgressTopic:
    """Publishes the word heard now whenever it changes."""

    def __init__(self, node, speaker, callback_group, message_type):
        """``message_type``: ishowtts_msgs/Progress (None: words are followed, not published)."""
        self.progress = Progress()
        self._node = node
        self._said = ("", 0)
        self._message_type = message_type
        speaker.on_chunk_heard = self.progress.chunk_started
        if message_type is not None:
            self._publisher = node.create_publisher(message_type, "tts/progress", 10)
            node.create_timer(PERIOD_S, self._publish, callback_group=callback_group)

    def heard(self) -> str:
        """Say what has been heard of the utterance being heard, for a log or an answer."""
        words, seconds = self.progress.heard()
        return f"heard {seconds:.2f} s: {' '.join(words)!r}" if seconds else "nothing was heard"

    def stopped(self) -> None:
        """Nothing is heard any more (speaking ended, or was cut)."""
        self.progress.stopped()

    def _publish(self) -> None:
        heard = self.progress.word_at()
        if (heard.word, heard.index) == self._said:
            return
        self._said = (heard.word, heard.index)
        message = self._message_type(word=heard.word, word_index=heard.index)
        message.position_s = heard.position_s
        since = Duration(nanoseconds=int(heard.since_s * 1e9))  # stamped when it started
        message.header.stamp = (self._node.get_clock().now() - since).to_msg()
        self._publisher.publish(message)
