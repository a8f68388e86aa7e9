# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""A sound_play client as sound_play's own ``SoundClient`` behaves, for tests."""

import queue
import time

import rclpy
from rclpy.action import ActionClient
from rclpy.callback_groups import MutuallyExclusiveCallbackGroup
from sound_play_msgs.action import SoundRequest as SoundRequestAction
from sound_play_msgs.msg import SoundRequest

from ros_harness import DISCOVERY_S, wait_for


class SoundClient:
    """What sound_play's SoundClient sends, and what a behaviour tree's action client waits for."""

    def __init__(self, ros):
        # Its own node, built before the executor spins it: an ActionClient added to a node
        # that is being spun can be seen half-built and stop the executor (rclpy#1589).
        node = rclpy.create_node("sound_client", context=ros.context)
        self.feedback = []
        self.publisher = node.create_publisher(SoundRequest, "robotsound", 5)
        group = MutuallyExclusiveCallbackGroup()
        self.action = ActionClient(node, SoundRequestAction, "sound_play", callback_group=group)
        # rclpy 9.1's send_goal_async registers its future a second time outside its lock, so
        # an answer taken in between is lost (rclpy#1123). Sent from a callback of the client's
        # own group, the answer is taken only after send_goal_async has returned.
        self._goals = queue.SimpleQueue()  # (goal, list to put its future in)
        self._sender = node.create_guard_condition(self._send_goals, callback_group=group)
        ros.add(node)
        assert self.action.wait_for_server(timeout_sec=DISCOVERY_S)
        assert wait_for(lambda: self.publisher.get_subscription_count() > 0, DISCOVERY_S)

    def _send_goals(self):
        while not self._goals.empty():
            goal, sent = self._goals.get()
            sent.append(
                self.action.send_goal_async(
                    goal,
                    feedback_callback=lambda msg: self.feedback.append((time.monotonic(), msg)),
                )
            )

    @staticmethod
    def request(sound, command, arg="", arg2="", volume=1.0):
        return SoundRequest(sound=sound, command=command, arg=arg, arg2=arg2, volume=volume)

    def publish(self, *args, **kwargs):
        """Non-blocking mode."""
        self.publisher.publish(self.request(*args, **kwargs))

    def send(self, *args, **kwargs):
        """Blocking mode: the goal handle once the server accepted it."""
        goal = SoundRequestAction.Goal(sound_request=self.request(*args, **kwargs))
        futures = []
        self._goals.put((goal, futures))
        self._sender.trigger()
        assert wait_for(lambda: futures and futures[0].done(), 10.0)
        handle = futures[0].result()
        assert handle.accepted
        return handle

    def result(self, handle, timeout=60.0):
        future = handle.get_result_async()
        assert wait_for(future.done, timeout)
        return future.result()
