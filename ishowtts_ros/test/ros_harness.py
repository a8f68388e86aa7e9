# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Real rclpy over real DDS, on loopback only, for node tests.

Each harness owns a context, an executor thread and a probe node that publishes,
subscribes and calls services the way another robot process would.
"""

import os
import threading
import time
import traceback

import rclpy
from rclpy.executors import MultiThreadedExecutor
from rclpy.qos import DurabilityPolicy, QoSProfile, ReliabilityPolicy

# Loopback only (scripts/ros_env.sh sets the same for the whole run).
os.environ.setdefault("ROS_AUTOMATIC_DISCOVERY_RANGE", "LOCALHOST")
os.environ.setdefault(
    "FASTDDS_DEFAULT_PROFILES_FILE",
    os.path.join(os.path.dirname(__file__), "fastdds_loopback.xml"),
)

# depth 10: a short utterance publishes true and false in quick succession; keep both
LATCHED = QoSProfile(
    depth=10, reliability=ReliabilityPolicy.RELIABLE, durability=DurabilityPolicy.TRANSIENT_LOCAL
)
RELIABLE = QoSProfile(depth=250, reliability=ReliabilityPolicy.RELIABLE)
# Bounds waiting for discovery or a service's answer: under a busy CPU DDS can take many
# seconds; when it works the wait ends at once.
DISCOVERY_S = 60.0


def wait_for(predicate, timeout: float, period: float = 0.02) -> bool:
    """Poll ``predicate`` until true or ``timeout`` seconds passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(period)
    return bool(predicate())


class Collector:
    """Keeps every message of a topic with its arrival time."""

    def __init__(self):
        self.messages = []
        self.times = []
        self.lock = threading.Lock()

    def __call__(self, msg):
        with self.lock:
            self.messages.append(msg)
            self.times.append(time.monotonic())

    def __len__(self):
        with self.lock:
            return len(self.messages)


class RosHarness:
    def __init__(self):
        self.context = rclpy.Context()
        rclpy.init(context=self.context)
        self.executor = MultiThreadedExecutor(num_threads=4, context=self.context)
        self.probe = rclpy.create_node("probe", context=self.context)
        self.executor.add_node(self.probe)
        self.nodes = [self.probe]
        self.spin_error = None  # why the executor stopped before close(), if it did
        self._closing = False
        self._thread = threading.Thread(target=self._spin, daemon=True)
        self._thread.start()

    def _spin(self):
        try:
            self.executor.spin()
        except Exception:
            if not self._closing:  # nothing is delivered any more: say why at close()
                self.spin_error = traceback.format_exc()

    def add(self, node):
        self.nodes.append(node)
        self.executor.add_node(node)
        return node

    def subscribe(self, msg_type, topic, qos=RELIABLE):
        """Collect a topic's messages, once a publisher of it has been discovered."""
        collector = Collector()
        self.probe.create_subscription(msg_type, topic, collector, qos)
        name = topic if topic.startswith("/") else "/" + topic
        assert wait_for(lambda: self.probe.count_publishers(name) > 0, 30.0), (
            f"no publisher of {topic}"
        )
        return collector

    def publisher(self, msg_type, topic, qos=RELIABLE):
        """Create a publisher and wait until a subscriber has matched it."""
        publisher = self.probe.create_publisher(msg_type, topic, qos)
        assert wait_for(lambda: publisher.get_subscription_count() > 0, DISCOVERY_S), (
            f"no subscriber on {topic}"
        )
        return publisher

    def call(self, srv_type, name, request, timeout=DISCOVERY_S):
        client = self.probe.create_client(srv_type, name)
        assert client.wait_for_service(timeout_sec=timeout), f"service {name} not available"
        future = client.call_async(request)
        assert wait_for(future.done, timeout), f"service {name} did not answer"
        return future.result()

    def close(self):
        self._closing = True
        for node in self.nodes[1:]:
            if hasattr(node, "close"):
                node.close()
        self.executor.shutdown(timeout_sec=2.0)
        for node in self.nodes:
            node.destroy_node()
        rclpy.try_shutdown(context=self.context)
        self._thread.join(timeout=2.0)
        assert self.spin_error is None, f"the executor stopped early:\n{self.spin_error}"
