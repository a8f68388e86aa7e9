# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""tts_node's text topics: whole texts, and replies streamed in piece by piece.

``tts/text``, ``tts/text/<voice>`` and ``text_topics`` carry whole texts;
``tts/text_stream`` and ``tts/text_stream/<voice>`` carry replies as a language model
writes them. A reply belongs to one publisher on one topic: two publishers never merge
into one utterance. A stop or an interrupt closes the open replies: their later pieces
are dropped (counted once, with the reason) until the empty piece that ends them, or
``stream_idle_s`` without one; the next reply is spoken whole.
"""

from __future__ import annotations

import threading
from typing import Dict, List, Optional, Tuple

from rclpy.qos import HistoryPolicy, QoSProfile, ReliabilityPolicy
from std_msgs.msg import String

from ishowtts_ros.speech.queue import Utterance
from ishowtts_ros.speech.reply_stream import ReplyStream

# KEEP_ALL: a flood is slowed down at the sender rather than lost unseen in DDS.
TEXT_QOS = QoSProfile(
    depth=100, history=HistoryPolicy.KEEP_ALL, reliability=ReliabilityPolicy.RELIABLE
)
SWALLOWED = "a piece of a reply that was stopped: the rest of that reply is dropped"


class TextInput:
    """Subscribes the text topics of ``node`` (a tts_node) and hands texts to its queue."""

    def __init__(self, node, callback_group):
        self.node = node
        self.callback_group = callback_group
        self.replies: Dict[Tuple[str, str], ReplyStream] = {}  # (topic, publisher) -> reply
        self._lock = threading.Lock()
        self._voice_topics: dict = {}  # voice id -> its tts/text(_stream)/<id> subscriptions
        self._subscribe("tts/text", None)
        self._subscribe("tts/text_stream", None, self._on_reply_piece)
        for topic in node.settings.text_topics:
            self._subscribe(topic, None)

    def subscribe_voices(self, voice_ids: List[str]) -> None:
        """Subscribe tts/text/<id> and tts/text_stream/<id> of new voices; drop gone ones'."""
        for gone in set(self._voice_topics) - set(voice_ids):
            for subscription in self._voice_topics.pop(gone):
                self.node.destroy_subscription(subscription)
        for voice_id in voice_ids:
            if voice_id not in self._voice_topics:
                self._voice_topics[voice_id] = (
                    self._subscribe(f"tts/text/{voice_id}", voice_id),
                    self._subscribe(f"tts/text_stream/{voice_id}", voice_id, self._on_reply_piece),
                )

    def close_replies(self) -> None:
        """Close every open reply: its later pieces are dropped until it ends."""
        with self._lock:
            for reply in self.replies.values():
                reply.abandon()

    def _subscribe(self, topic: str, voice: Optional[str], on_message=None):
        on_message = on_message or self._on_text
        return self.node.create_subscription(
            String,
            topic,
            lambda msg, info: on_message(msg, voice, topic, _publisher(info)),
            TEXT_QOS,
            callback_group=self.callback_group,
        )

    def _on_text(self, msg: String, voice: Optional[str], topic: str, publisher: str) -> None:
        node = self.node
        if not msg.data.strip():
            node.get_logger().debug(f"ignored an empty text on {topic}")
            node.stats.count("ignored")
            return
        text = node.within_max_chars(msg.data, topic)
        node.enqueue(Utterance(text, voice or node.settings.voice or None))

    def _on_reply_piece(self, msg: String, voice: Optional[str], topic: str, publisher: str):
        """Add a piece to the reply ``publisher`` has open on ``topic``, or open one.

        An empty piece ends it.
        """
        node, key = self.node, (topic, publisher)
        with self._lock:
            reply = self.replies.get(key)
            if not msg.data:
                if reply is None:
                    node.stats.count("ignored")
                else:
                    reply.end()
                    del self.replies[key]
                return
            if reply is not None and reply.add(msg.data):  # False: that reply is over
                if reply.swallowed == 1:  # counted once per stopped reply
                    node.get_logger().warning(f"dropped on {topic}: {SWALLOWED}")
                    node.stats.count("dropped", error=SWALLOWED)
                return
            # Replies that ended by being quiet are forgotten (publishers come and go).
            self.replies = {k: r for k, r in self.replies.items() if not r.over}
            reply = ReplyStream(
                node.settings.stream_idle_s,
                node.settings.max_chars,
                node.engine_config.first_chunk_max_bytes,
            )
            reply.add(msg.data)
            self.replies[key] = reply
        item = Utterance(msg.data, voice or node.settings.voice or None, stream=reply)
        item.on_done = lambda done: done.outcome == "spoken" or reply.abandon()
        node.enqueue(item)


def _publisher(info) -> str:
    """Who published a message (its publisher's GID), "" where rclpy does not say."""
    gid = info.get("publisher_gid") if isinstance(info, dict) else None
    return repr(gid) if gid else ""
