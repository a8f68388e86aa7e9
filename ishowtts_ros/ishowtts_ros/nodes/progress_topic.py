# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""``tts/progress``: the word being heard (a face's lips, subtitles), "" in silence."""

from __future__ import annotations

from rclpy.duration import Duration

from ishowtts_msgs.msg import Progress as ProgressMsg
from ishowtts_ros.speech.progress import Progress

PERIOD_S = 0.05  # a word lasts 0.2 s or more: each is published near its start


class ProgressTopic:
    """Publishes the word heard now whenever it changes."""

    def __init__(self, node, speaker, callback_group):
        self.progress = Progress()
        self._node = node
        self._said = ("", 0)
        self._publisher = node.create_publisher(ProgressMsg, "tts/progress", 10)
        speaker.on_chunk_heard = self.progress.chunk_started
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
        message = ProgressMsg(word=heard.word, word_index=heard.index)
        message.position_s = heard.position_s
        since = Duration(nanoseconds=int(heard.since_s * 1e9))  # stamped when it started
        message.header.stamp = (self._node.get_clock().now() - since).to_msg()
        self._publisher.publish(message)
