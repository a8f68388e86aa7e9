# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The robot side of the soak benchmark: texts out, audio, speaking and counts in."""

from __future__ import annotations

import time
from typing import List, Optional


class SoakClient:
    """The robot side: publishes texts, watches audio, speaking and diagnostics."""

    def __init__(self, timeout: float):
        import rclpy
        from audio_common_msgs.msg import AudioDataStamped
        from diagnostic_msgs.msg import DiagnosticArray
        from rclpy.qos import DurabilityPolicy, HistoryPolicy, QoSProfile, ReliabilityPolicy
        from std_msgs.msg import Bool, String

        self.rclpy, self.String = rclpy, String
        self.timeout = timeout
        rclpy.init()
        self.node = rclpy.create_node("ishowtts_soak")
        reliable = QoSProfile(depth=100, reliability=ReliabilityPolicy.RELIABLE)
        latched = QoSProfile(
            depth=10,
            reliability=ReliabilityPolicy.RELIABLE,
            durability=DurabilityPolicy.TRANSIENT_LOCAL,
        )
        self.audio_times: List[float] = []
        self.speaking: List[bool] = []
        self.counts: dict = {}
        self.node.create_subscription(
            AudioDataStamped,
            "tts/audio",
            lambda m: self.audio_times.append(time.monotonic()),
            reliable,
        )
        self.node.create_subscription(
            Bool, "tts/speaking", lambda m: self.speaking.append(m.data), latched
        )
        self.node.create_subscription(DiagnosticArray, "/diagnostics", self._on_diagnostics, 10)
        keep_all = QoSProfile(
            depth=100, history=HistoryPolicy.KEEP_ALL, reliability=ReliabilityPolicy.RELIABLE
        )
        self.publisher = self.node.create_publisher(String, "tts/text", keep_all)

    def _on_diagnostics(self, msg) -> None:
        for status in msg.status:
            if status.name == "tts_node: speech":
                values = {kv.key: kv.value for kv in status.values}
                self.counts = {
                    k: int(values[k]) for k in ("spoken", "dropped", "failed", "ignored")
                }
                self.level = status.level[0] if isinstance(status.level, bytes) else status.level

    def spin_until(self, predicate, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            self.rclpy.spin_once(self.node, timeout_sec=0.02)
        return predicate()

    def wait_for_node(self) -> None:
        ready = self.spin_until(
            lambda: self.publisher.get_subscription_count() > 0 and self.counts != {},
            self.timeout,
        )
        if not ready:
            raise TimeoutError("tts_node did not come up")

    def accounted(self) -> int:
        return sum(self.counts.values())

    def say(self, text: str, sent: int, stop: bool) -> Optional[float]:
        """Send one text and wait until the node is done with it; first-audio latency."""
        audio_before, speaking_before = len(self.audio_times), len(self.speaking)
        started = time.monotonic()
        self.publisher.publish(self.String(data=text))
        if stop:  # mid-utterance: once this text is heard
            self.spin_until(lambda: True in self.speaking[speaking_before:], 10.0)
            self.stop()
        done = self.spin_until(
            lambda: self.accounted() >= sent and (not self.speaking or not self.speaking[-1]),
            self.timeout,
        )
        if not done:
            raise TimeoutError(f"text {sent} not accounted for within {self.timeout:.0f} s")
        if len(self.audio_times) > audio_before:
            return self.audio_times[audio_before] - started
        return None

    def stop(self) -> None:
        from std_srvs.srv import Trigger

        client = self.node.create_client(Trigger, "tts/stop")
        if client.wait_for_service(timeout_sec=5.0):
            future = client.call_async(Trigger.Request())
            self.spin_until(future.done, 5.0)
        self.node.destroy_client(client)

    def set_parameters(self, values: dict) -> None:
        from rcl_interfaces.srv import SetParameters
        from rclpy.parameter import Parameter

        client = self.node.create_client(SetParameters, "tts_node/set_parameters")
        if client.wait_for_service(timeout_sec=5.0):
            request = SetParameters.Request(
                parameters=[Parameter(k, value=v).to_parameter_msg() for k, v in values.items()]
            )
            future = client.call_async(request)
            self.spin_until(future.done, 5.0)
        self.node.destroy_client(client)

    def close(self) -> None:
        self.node.destroy_node()
        self.rclpy.try_shutdown()
