# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""``tts/heard``: what the listener heard of each utterance, once it has ended.

A conversational app tells its language model only what was heard: an interrupted
reply's words up to the cut. Words are as the voice said them (the engine's plan of the
text: numbers and symbols spelt out); those heard come from the word times of the chunks
heard (:mod:`ishowtts_ros.speech.progress`), taken at the moment the utterance ended.
"""

from __future__ import annotations

import collections
import logging
from dataclasses import dataclass
from typing import List

from builtin_interfaces.msg import Time

from ishowtts_ros.speech.progress import Progress, words_of
from ishowtts_ros.speech.queue import Utterance

LOG = logging.getLogger(__name__)
PERIOD_S = 0.05
MAX_WAITING = 1000  # ends not published yet (a cleared queue ends many texts at once)


@dataclass
class Ended:
    """An utterance that ended, and what of it had been heard then."""

    item: Utterance
    words: List[str]
    seconds: float
    stamp: Time


class HeardTopic:
    """Notes each utterance as it ends; publishes it from the node's executor."""

    def __init__(self, node, speaker, progress: Progress, callback_group, heard_type):
        self._node = node
        self._progress = progress
        self._ended: collections.deque = collections.deque(maxlen=MAX_WAITING)
        self._heard = heard_type  # ishowtts_msgs/Heard
        self._publisher = node.create_publisher(heard_type, "tts/heard", 10)
        speaker.on_ended = self._on_ended
        node.create_timer(PERIOD_S, self._publish, callback_group=callback_group)

    def _on_ended(self, item: Utterance) -> None:
        """Note what was heard now (the speaker's lock is held: only cheap work here)."""
        words, seconds = self._progress.heard(owner=item)
        if len(self._ended) == MAX_WAITING:
            LOG.warning("tts/heard: too many ends at once, the oldest is not reported")
        self._ended.append(Ended(item, words, seconds, self._node.get_clock().now().to_msg()))

    def _publish(self) -> None:
        while self._ended:
            ended = self._ended.popleft()
            try:
                self._publisher.publish(self._message(ended))
            except Exception:  # a report must never end the node
                if self._node.context.ok():
                    LOG.exception("tts/heard: could not report %r", ended.item.text[:40])

    def _message(self, ended: Ended):
        item = ended.item
        text = item.stream.text if item.stream is not None else item.text
        said = self._said_words(item, text)
        spoken = item.outcome == "spoken"
        heard = said if spoken and said else ended.words
        seconds = ended.seconds
        if spoken and item.sound is not None and not item.repeat:
            samples, rate = item.sound
            seconds = len(samples) / rate
        outcome = getattr(self._heard, item.outcome.upper())  # SPOKEN, DROPPED, FAILED
        message = self._heard(outcome=outcome, reason=item.reason, text=text or item.key)
        message.header.stamp = ended.stamp
        message.heard = " ".join(heard)
        message.not_heard = " ".join(said[len(heard) :])
        message.cut = item.cut and item.playing.is_set()
        message.heard_s = seconds
        return message

    def _said_words(self, item: Utterance, text: str) -> List[str]:
        """Split ``text`` into words as the voice says them (as written without an engine)."""
        engine = self._node.engine
        if engine is None or item.sound is not None:
            return words_of(text)
        try:
            plans = engine.plan(text, item.voice, self._node.synthesis)
        except Exception:  # a text it could not say (an unknown voice, nothing sayable)
            return words_of(text)
        return [word for plan in plans for word in words_of(plan.text)]
