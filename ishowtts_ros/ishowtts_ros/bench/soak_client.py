# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The robot side of the soak benchmark: texts out, audio, speaking and counts in."""

from __future__ import annotations

import time
from collections import Counter
from typing import List, Optional, Tuple

from ishowtts_ros.speech.diagnostics import STATUS_NAME
from ishowtts_ros.status import WARN


class Speaker:
    """One tts_node as the robot sees it: its text topic, audio, speaking and counts.

    ``namespace`` "" is the node robots run; another one (with its ``/diagnostics``
    remapped into it) is a second node beside it.
    """

    def __init__(self, node, namespace: str = ""):
        from audio_common_msgs.msg import AudioDataStamped, AudioInfo
        from diagnostic_msgs.msg import DiagnosticArray

        from ishowtts_ros.nodes.ros_diagnostics import find_report
        from rclpy.qos import DurabilityPolicy, HistoryPolicy, QoSProfile, ReliabilityPolicy
        from std_msgs.msg import Bool, String

        from rcl_interfaces.srv import SetParameters
        from std_srvs.srv import Trigger

        self.String, self.Trigger, self.SetParameters = String, Trigger, SetParameters
        self.find_report = find_report
        prefix = f"/{namespace}/" if namespace else ""
        self.node_name = f"{prefix}tts_node"
        self.stop_client = node.create_client(Trigger, f"{prefix}tts/stop")
        self.parameters_client = node.create_client(
            SetParameters, f"{self.node_name}/set_parameters"
        )
        reliable = QoSProfile(depth=100, reliability=ReliabilityPolicy.RELIABLE)
        latched = QoSProfile(
            depth=10,
            reliability=ReliabilityPolicy.RELIABLE,
            durability=DurabilityPolicy.TRANSIENT_LOCAL,
        )
        self.audio_times: List[float] = []
        self.audio_frames: List[Tuple[float, int]] = []  # each frame's stamp and samples
        self.audio_rate = 0  # from tts/audio_info
        self.speaking: List[bool] = []
        self.counts: dict = {}
        self.node_first_audio = "n/a"  # the node's own figure for the text it spoke last
        self.status = ("", {})  # the speech diagnostic's last message and key/values
        self.warnings: Counter = Counter()  # WARN and ERROR messages received, by subject
        self.phrase_cache_mb = 0.0  # what the node's phrase cache holds, by its own count
        self.cache_hits = 0  # texts it said again from the phrase cache
        node.create_subscription(AudioDataStamped, f"{prefix}tts/audio", self._on_audio, reliable)
        node.create_subscription(
            AudioInfo, f"{prefix}tts/audio_info", self._on_audio_info, latched
        )
        node.create_subscription(
            Bool, f"{prefix}tts/speaking", lambda m: self.speaking.append(m.data), latched
        )
        node.create_subscription(
            DiagnosticArray, f"{prefix or '/'}diagnostics", self._on_diagnostics, 10
        )
        keep_all = QoSProfile(
            depth=100, history=HistoryPolicy.KEEP_ALL, reliability=ReliabilityPolicy.RELIABLE
        )
        self.publisher = node.create_publisher(String, f"{prefix}tts/text", keep_all)

    def _on_audio(self, msg) -> None:
        self.audio_times.append(time.monotonic())
        stamp = msg.header.stamp.sec + msg.header.stamp.nanosec * 1e-9
        self.audio_frames.append((stamp, len(msg.audio.data) // 2))  # S16LE mono

    def _on_audio_info(self, msg) -> None:
        self.audio_rate = msg.sample_rate

    def audio_end(self) -> float:
        """ROS time at which the audio published so far ends."""
        stamp, samples = self.audio_frames[-1]
        return stamp + samples / self.audio_rate

    def _on_diagnostics(self, msg) -> None:
        report = self.find_report(msg, STATUS_NAME)
        if report is None:
            return
        values = dict(report.values)
        self.status = (report.message, values)
        if report.level >= WARN:  # each part of the message, by what it is about
            self.warnings.update(part.split(":")[0] for part in report.message.split("; "))
        self.counts = {k: int(values[k]) for k in ("spoken", "dropped", "failed", "ignored")}
        self.node_first_audio = values["last first-audio latency s"]
        self.phrase_cache_mb = float(values.get("phrase cache MB", 0.0))
        self.cache_hits = int(values["said again from the phrase cache"])

    def accounted(self) -> int:
        return sum(self.counts.values())

    def ready(self) -> bool:
        """Discovered, and the engine loaded (texts sent earlier meet the fallback voice)."""
        engine = self.status[1].get("engine")
        return self.publisher.get_subscription_count() > 0 and engine == "ready"

    def done_with(self, sent: int) -> bool:
        return self.accounted() >= sent and (not self.speaking or not self.speaking[-1])


class SoakClient:
    """The robot side: one ROS node that talks to one or more speakers."""

    def __init__(self, timeout: float):
        import rclpy

        self.rclpy = rclpy
        self.timeout = timeout
        rclpy.init()
        self.node = rclpy.create_node("ishowtts_soak")

    def speaker(self, namespace: str = "") -> Speaker:
        return Speaker(self.node, namespace)

    def spin_until(self, predicate, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            self.rclpy.spin_once(self.node, timeout_sec=0.02)
        return predicate()

    def wait_for(self, speaker: Speaker) -> None:
        if not self.spin_until(speaker.ready, self.timeout):
            raise TimeoutError(f"{speaker.node_name} did not come up")

    def say(
        self, speaker: Speaker, text: str, sent: int, stop: bool
    ) -> Tuple[Optional[float], Optional[float], bool]:
        """Send one text and wait until the speaker is done with it.

        Returns its first-audio latency as heard here and as the node reports it (None
        where it was not heard, or not spoken to the end), and whether the node said it
        from its phrase cache.
        """
        audio_before, speaking_before = len(speaker.audio_times), len(speaker.speaking)
        spoken_before, hits_before = speaker.counts.get("spoken", 0), speaker.cache_hits
        started = time.monotonic()
        speaker.publisher.publish(speaker.String(data=text))
        if stop:  # mid-utterance: once this text is heard (unless it is not spoken at all)
            self.spin_until(
                lambda: True in speaker.speaking[speaking_before:] or speaker.accounted() >= sent,
                10.0,
            )
            self.stop(speaker)
        if not self.spin_until(lambda: speaker.done_with(sent), self.timeout):
            raise TimeoutError(
                f"text {sent} not accounted for by {speaker.node_name} within {self.timeout:.0f} s"
            )
        heard = None
        if len(speaker.audio_times) > audio_before:
            heard = speaker.audio_times[audio_before] - started
        spoken = speaker.counts["spoken"] > spoken_before and speaker.node_first_audio != "n/a"
        node_first_audio = float(speaker.node_first_audio) if spoken else None
        return heard, node_first_audio, speaker.cache_hits > hits_before

    def stop(self, speaker: Speaker) -> None:
        self.call(speaker.stop_client, speaker.Trigger.Request())

    def set_parameters(self, speaker: Speaker, values: dict) -> None:
        from rclpy.parameter import Parameter

        request = speaker.SetParameters.Request(
            parameters=[Parameter(k, value=v).to_parameter_msg() for k, v in values.items()]
        )
        self.call(speaker.parameters_client, request)

    def call(self, client, request) -> None:
        """Call a service and spin until it answers (5 s at most)."""
        if not client.wait_for_service(timeout_sec=5.0):
            raise TimeoutError(f"service {client.srv_name} is not there")
        if not self.spin_until(client.call_async(request).done, 5.0):
            raise TimeoutError(f"service {client.srv_name} did not answer within 5 s")

    def close(self) -> None:
        self.node.destroy_node()
        self.rclpy.try_shutdown()
