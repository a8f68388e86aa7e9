# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""sound_play's interface on tts_node: topic ``robotsound`` and action ``sound_play``.

Robot code that talks through sound_play's ``SoundClient`` (non-blocking: the topic;
blocking: the action) speaks through tts_node unchanged. Goals are accepted at once,
wait in the queue like texts, are executing while they play (feedback ``playing``), and
succeed once their audio has been heard; a goal the queue refuses, or one that is
stopped, is aborted. The interface types come from sound_play_msgs (audio_common 0.4+)
or, in older source trees, from sound_play itself.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Callable, Optional

from rclpy.action import ActionServer, CancelResponse, GoalResponse
from rclpy.callback_groups import ReentrantCallbackGroup
from rclpy.duration import Duration

from ishowtts_ros.speech import sound_requests
from ishowtts_ros.speech.queue import Utterance

FEEDBACK_PERIOD_S = 0.1
INSTALL_HINT = (
    "sound_play interface off: neither sound_play_msgs nor sound_play is installed "
    "(apt install ros-$ROS_DISTRO-sound-play-msgs)"
)


def import_interfaces():
    """Return the SoundRequest message and action types, or None when neither package is."""
    for package in ("sound_play_msgs", "sound_play"):
        try:
            messages = __import__(f"{package}.msg", fromlist=["SoundRequest"])
            actions = __import__(f"{package}.action", fromlist=["SoundRequest"])
            return messages.SoundRequest, actions.SoundRequest
        except (ImportError, AttributeError):
            continue
    return None


class SoundPlayInterface:
    """Turns SoundRequests into queued utterances and stop requests of a tts_node."""

    def __init__(self, node, types, sound_dirs: list, sample_rate: int, voices: Callable):
        """``node``: the tts_node (its ``enqueue``, ``stop_all`` and ``speaker``)."""
        self.node = node
        self.message, self.action = types
        self.sound_dirs = sound_dirs
        self.sample_rate = sample_rate
        self.voices = voices
        self._unknown_voices_logged: set = set()
        self._goal_lock = threading.Lock()
        self._items: dict = {}  # goal id -> its utterance (None for a stop request)
        self._cancelled: set = set()  # goal ids whose cancel was accepted
        node.create_subscription(self.message, "robotsound", self._on_request, 10)
        self.server = ActionServer(
            node,
            self.action,
            "sound_play",
            execute_callback=self._execute,
            callback_group=ReentrantCallbackGroup(),
            goal_callback=lambda request: GoalResponse.ACCEPT,
            handle_accepted_callback=self._on_goal,
            cancel_callback=self._on_cancel,
        )

    # -- topic ----------------------------------------------------------------------------

    def _on_request(self, request) -> None:
        self._carry_out(request)

    # -- action ---------------------------------------------------------------------------

    def _on_goal(self, goal_handle) -> None:
        """Queue the goal's request; its execution starts when its audio does."""
        started = threading.Event()

        def execute_once(_item=None) -> None:
            with self._goal_lock:
                if started.is_set():
                    return
                started.set()
            goal_handle.execute()

        item = self._carry_out(goal_handle.request.sound_request, execute_once)
        with self._goal_lock:
            self._items[_goal_key(goal_handle)] = item
        if item is None or item.done.is_set():  # a stop request, or refused at once
            execute_once()

    def _on_cancel(self, goal_handle) -> CancelResponse:
        with self._goal_lock:
            key = _goal_key(goal_handle)
            item = self._items.get(key)
            self._cancelled.add(key)
        if item is not None:  # queued or playing: it ends within a block (20 ms)
            self.node.speaker.stop(lambda other: other is item, "cancelled")
        return CancelResponse.ACCEPT

    def _execute(self, goal_handle):
        key = _goal_key(goal_handle)
        with self._goal_lock:
            item = self._items.get(key)
        started = time.monotonic()
        feedback = self.action.Feedback()
        while item is not None:
            feedback.playing = item.playing.is_set()
            feedback.stamp = Duration(seconds=time.monotonic() - started).to_msg()
            goal_handle.publish_feedback(feedback)
            if item.done.wait(FEEDBACK_PERIOD_S):
                break
        result = self.action.Result(playing=False)
        result.stamp = Duration(seconds=time.monotonic() - started).to_msg()
        with self._goal_lock:
            self._items.pop(key, None)
            cancelled = key in self._cancelled
            self._cancelled.discard(key)
        if cancelled:
            # The server marks the goal as cancelling right after our cancel callback.
            deadline = time.monotonic() + 1.0
            while not goal_handle.is_cancel_requested and time.monotonic() < deadline:
                time.sleep(0.005)
            goal_handle.canceled()
        elif item is None or item.outcome == "spoken":
            goal_handle.succeed()
        else:
            self.node.get_logger().warning(f"sound_play goal aborted: {item.reason}")
            goal_handle.abort()
        return result

    # -- both -----------------------------------------------------------------------------

    def _carry_out(self, request, on_start: Optional[Callable] = None) -> Optional[Utterance]:
        """Queue what ``request`` asks for, or stop what it names; None for a stop."""
        try:
            plan = sound_requests.plan_request(
                request.sound,
                request.command,
                float(request.volume),
                request.arg,
                request.arg2,
                self.voices(),
                self.sound_dirs,
                _package_share,
            )
            if plan.action == "stop_all":
                self.node.stop_all()
                return None
            if plan.action == "stop":
                self.node.speaker.stop(lambda item: item.key == plan.key, "stopped by PLAY_STOP")
                return None
            sound = None
            if plan.action == "play":
                sound = sound_requests.read_sound(plan.path, self.sample_rate)
        except sound_requests.RequestRefused as exc:
            item = Utterance(request.arg, key=f"sound {request.sound}")
            self.node.speaker.drop_all([item], f"refused: {exc}")
            return item
        self._log_unknown_voice(request)
        item = Utterance(
            self.node.within_max_chars(plan.text, "sound_play") if sound is None else plan.text,
            plan.voice or self.node.settings.voice or None,
            sound=sound,
            volume=plan.volume,
            repeat=plan.repeat,
            key=plan.key,
        )
        # A goal executes from its first audio; one dropped from the queue still gets its answer.
        item.on_start = item.on_done = on_start
        self.node.enqueue(item)
        return item

    def _log_unknown_voice(self, request) -> None:
        name = request.arg2
        if (
            request.sound == sound_requests.SAY
            and name
            and name not in self.voices()
            and name not in self._unknown_voices_logged
        ):
            self._unknown_voices_logged.add(name)
            self.node.get_logger().info(
                f"voice {name!r} is not in the registry: the default voice speaks"
            )


def _goal_key(goal_handle) -> bytes:
    return bytes(goal_handle.goal_id.uuid)


def _package_share(package: str) -> str:
    from ament_index_python.packages import PackageNotFoundError, get_package_share_directory

    try:
        return get_package_share_directory(package)
    except (PackageNotFoundError, ValueError) as exc:
        raise sound_requests.RequestRefused(f"no package {package!r}: {exc}") from None


def default_sound_dirs() -> list:
    """Return sound_play's own sounds folder, when sound_play is installed."""
    try:
        folder = os.path.join(_package_share("sound_play"), "sounds")
    except sound_requests.RequestRefused:
        return []
    return [folder] if os.path.isdir(folder) else []


def serve_sound_play(node) -> None:
    """Serve sound_play's interface on ``node`` (a tts_node), when asked and installed."""
    if not node.settings.sound_play_interface or not getattr(node, "sample_rate", None):
        return
    types = import_interfaces()
    if types is None:
        node.get_logger().info(INSTALL_HINT)
        return
    SoundPlayInterface(
        node,
        types,
        node.settings.sound_dirs or default_sound_dirs(),
        node.sample_rate,
        voices=lambda: list(node.engine.voices) if node.engine else [],
    )
