# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""What every node's ``main`` does: init, spin, clean shutdown; library logs to ROS."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time

import rclpy
import rclpy.logging
from rclpy.exceptions import InvalidParameterException
from rclpy.executors import ExternalShutdownException, MultiThreadedExecutor
from rclpy.signals import SignalHandlerOptions

LIBRARY_LOGGER = "ishowtts_ros"
SIGNAL_POLL_S = 0.1  # the spin wakes this often to see whether a signal came
FLUSH_S = 0.5  # spun on after closing, so that the last messages and results go out


class RosLogHandler(logging.Handler):
    """Sends ``logging`` records to a node's ROS logger (console, rosout, log files)."""

    def __init__(self, ros_logger):
        super().__init__()
        self.ros_logger = ros_logger

    def emit(self, record: logging.LogRecord) -> None:
        message = self.format(record)
        if record.levelno >= logging.ERROR:
            self.ros_logger.error(message)
        elif record.levelno >= logging.WARNING:
            self.ros_logger.warning(message)
        elif record.levelno >= logging.INFO:
            self.ros_logger.info(message)
        else:
            self.ros_logger.debug(message)


def forward_library_logs(ros_logger) -> RosLogHandler:
    """Send the package's library logs to ``ros_logger`` (instead of an earlier one)."""
    handler = RosLogHandler(ros_logger)
    library = logging.getLogger(LIBRARY_LOGGER)
    for earlier in [h for h in library.handlers if isinstance(h, RosLogHandler)]:
        library.removeHandler(earlier)
    library.addHandler(handler)
    library.setLevel(logging.INFO)
    library.propagate = False
    return handler


def run_node(node_class, args=None, threads: int = 2) -> int:
    """Spin one node until SIGINT/SIGTERM, then close it and exit 0.

    A signal only ends the spin: the node closes while ROS still runs and the executor
    still serves it, so what it sends at the end (``tts/speaking`` false, the results of
    goals it ended) goes out. A second signal hurries the close: what was sent is flushed
    and the process exits without waiting for a model step (never a traceback). Invalid
    parameters end it at once with one clear line and exit 2.
    """
    rclpy.init(args=args, signal_handler_options=SignalHandlerOptions.NO)
    stopping, hurry = threading.Event(), threading.Event()

    def on_signal(signum, frame):  # never raises: whatever runs now goes on
        (hurry if stopping.is_set() else stopping).set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, on_signal)
    try:
        node = node_class()
    except (ValueError, InvalidParameterException) as exc:
        rclpy.logging.get_logger(node_class.__name__).fatal(f"invalid parameters: {exc}")
        rclpy.try_shutdown()
        return 2
    forward_library_logs(node.get_logger())
    executor = MultiThreadedExecutor(num_threads=threads)
    executor.add_node(node)
    closing = threading.Thread(target=_close, args=(node,), name="close", daemon=True)
    try:
        while not stopping.is_set() and rclpy.ok():
            executor.spin_once(timeout_sec=SIGNAL_POLL_S)  # signals are handled in between
        closing.start()
        flushed = time.monotonic() + FLUSH_S
        while rclpy.ok() and (
            (closing.is_alive() and not hurry.is_set()) or time.monotonic() < flushed
        ):
            executor.spin_once(timeout_sec=SIGNAL_POLL_S / 10)
    except ExternalShutdownException:  # ROS was shut down under it: close without spinning
        if closing.ident is None:
            closing.start()
    while closing.is_alive() and not hurry.is_set():
        closing.join(SIGNAL_POLL_S)
    executor.shutdown(timeout_sec=1.0)
    if closing.is_alive():  # hurried: a model step still runs, and cannot be cut
        node.get_logger().warning("stopped without waiting for the model step under way")
        rclpy.try_shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)  # that thread must not meet the interpreter's exit (a traceback)
    node.destroy_node()
    rclpy.try_shutdown()
    return 0


def _close(node) -> None:
    """Close ``node``; a failure is logged in one line, never a traceback on the console."""
    try:
        node.close()
    except Exception as exc:
        node.get_logger().error(f"closing failed: {type(exc).__name__}: {exc}")
