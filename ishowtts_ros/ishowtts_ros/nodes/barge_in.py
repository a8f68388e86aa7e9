# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Barge-in: the user speaks, the robot stops.

``interrupt_topic`` (std_msgs/Bool from a voice activity detector: true while the user
speaks) interrupts once the user has spoken for ``interrupt_min_s``, so that a cough or
an "uh-huh" does not; ``tts/interrupt`` (std_srvs/Trigger) interrupts at once, for apps
that decide themselves. An interrupt cuts what is being heard and the open replies, and
drops the waiting texts when ``interrupt_drops_queue`` says so.
"""

from __future__ import annotations

import threading
from typing import Callable, Optional

from rclpy.qos import QoSProfile, ReliabilityPolicy
from std_msgs.msg import Bool
from std_srvs.srv import Trigger

# Best effort takes both kinds of VAD publisher (a reliable one matches it too).
VAD_QOS = QoSProfile(depth=10, reliability=ReliabilityPolicy.BEST_EFFORT)


class BargeIn:
    """Turns "user speaking" and the interrupt service into ``interrupt(reason)`` calls."""

    def __init__(self, node, interrupt: Callable[[str], str], callback_group):
        """``interrupt(reason)`` cuts the speech and returns what it did."""
        self.node = node
        self.interrupt = interrupt
        self.callback_group = callback_group
        self._lock = threading.Lock()
        self._timer = None  # counts the user's speech up to interrupt_min_s
        node.create_service(
            Trigger, "tts/interrupt", self._on_service, callback_group=callback_group
        )
        topic = node.settings.interrupt_topic
        if topic:
            node.create_subscription(
                Bool, topic, self._on_user_speaking, VAD_QOS, callback_group=callback_group
            )

    def _on_service(self, request, response):
        response.success = True
        response.message = self.interrupt("interrupted by tts/interrupt")
        return response

    def _on_user_speaking(self, msg: Bool) -> None:
        with self._lock:
            if not msg.data:
                self._cancel_timer()  # shorter than interrupt_min_s: not an interruption
                return
            if self._timer is not None:
                return  # still the same stretch of speech (VADs repeat true every frame)
            min_s = self.node.settings.interrupt_min_s
            if min_s <= 0.0:
                self._timer = _FIRED
                self._fire()
                return
            self._timer = self.node.create_timer(
                min_s, self._on_long_enough, callback_group=self.callback_group
            )

    def _on_long_enough(self) -> None:
        with self._lock:
            if self._timer is None:
                return  # the user stopped meanwhile
            self._cancel_timer()
            self._timer = _FIRED
            self._fire()

    def _fire(self) -> None:
        self.interrupt(f"interrupted: the user spoke on {self.node.settings.interrupt_topic}")

    def _cancel_timer(self) -> None:
        timer: Optional[object] = self._timer
        self._timer = None
        if timer is not None and timer is not _FIRED:
            self.node.destroy_timer(timer)


_FIRED = object()  # the user's speech interrupted already: the rest of it does nothing
