# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""``jetson_performance_node``: keeps the Jetson at full clocks and shows its health in rqt.

Thin: reading, enforcing and the diagnostics themselves live in :mod:`ishowtts_ros.jetson`.
"""

from __future__ import annotations

import socket
import sys
from typing import List

from diagnostic_msgs.msg import DiagnosticArray
from rcl_interfaces.msg import SetParametersResult
from rclpy.node import Node
from rclpy.parameter import Parameter
from std_srvs.srv import SetBool

from ishowtts_ros.nodes.node_runner import run_node
from ishowtts_ros.nodes.ros_diagnostics import diagnostic_array
from ishowtts_ros.nodes.ros_parameters import declare_parameters
from ishowtts_ros.jetson.backends import CommandBackend, ControlError, JtopBackend, jtop_available
from ishowtts_ros.jetson.diagnostics import jetson_statuses
from ishowtts_ros.jetson.enforce import Enforcer
from ishowtts_ros.jetson.settings import JETSON_PARAMS, JetsonSettings
from ishowtts_ros.jetson.sysfs import read_stats


class JetsonPerformanceNode(Node):
    def __init__(self, **node_options):
        super().__init__("jetson_performance_node", **node_options)
        self.settings = JetsonSettings(**declare_parameters(self, JetsonSettings, JETSON_PARAMS))
        self.hostname = socket.gethostname()
        self._enforce_message = ""
        self.enforcer = Enforcer(
            self._make_backend(),
            self.settings.sysfs_root,
            self.settings.nvpmodel_conf,
            self.settings.power_mode,
            self.settings.store_and_restore,
            self.settings.enforce,
            self.settings.check_period_s,
        )
        self.diagnostics_pub = self.create_publisher(DiagnosticArray, "/diagnostics", 10)
        self.create_service(SetBool, "jetson/set_max_performance", self._on_set_max_performance)
        self.add_on_set_parameters_callback(self._on_set_parameters)
        stats = read_stats(self.settings.sysfs_root)
        self.get_logger().info(
            f"board {stats.board or 'unknown'}, L4T {stats.l4t_release or 'none'}, "
            f"backend {self.enforcer.backend.name}"
        )
        if stats.is_jetson:
            self.enforcer.start()
            self._check()
        else:
            self.get_logger().warning("not a Jetson: nothing to enforce")
        self.check_timer = self.create_timer(self.settings.check_period_s, self._check)
        self.create_timer(1.0, self._publish_diagnostics)

    def _make_backend(self):
        wanted = self.settings.backend
        if wanted == "jtop" or (wanted == "auto" and jtop_available()):
            try:
                return JtopBackend()
            except Exception as exc:  # service down or no permission: fall back, and say so
                self.get_logger().warning(
                    f"jtop unavailable ({exc}); using nvpmodel/jetson_clocks"
                )
        return CommandBackend(self.settings.nvpmodel_cmd, self.settings.jetson_clocks_cmd)

    def _check(self) -> None:
        stats = read_stats(self.settings.sysfs_root)
        if stats.is_jetson:
            self.enforcer.check(stats)

    def _publish_diagnostics(self) -> None:
        stats = read_stats(self.settings.sysfs_root)
        reports = jetson_statuses(
            stats, self.enforcer.state, self.settings.temp_warn_c, self.settings.temp_error_c
        )
        stamp = self.get_clock().now().to_msg()
        self.diagnostics_pub.publish(
            diagnostic_array(reports, stats.board or self.hostname, stamp)
        )

    def _on_set_max_performance(self, request, response):
        # Through the enforce parameter, so that parameter and behaviour never disagree.
        self._enforce_message = "enforcing" if request.data else "enforcement off"
        result = self.set_parameters([Parameter("enforce", value=request.data)])[0]
        if not result.successful:
            response.success, response.message = False, result.reason
        elif request.data:
            self.enforcer.state.retry_at = 0.0  # asked for: try now, whatever the back-off
            self._check()
            state = self.enforcer.state
            response.success = not state.error
            response.message = state.error or (
                "; ".join(state.actions) or "already at max performance"
            )
        else:
            response.success, response.message = True, self._enforce_message
        return response

    def _on_set_parameters(self, parameters: List[Parameter]) -> SetParametersResult:
        try:
            settings = self.settings.replace(**{p.name: p.value for p in parameters})
        except (TypeError, ValueError) as exc:
            return SetParametersResult(successful=False, reason=str(exc))
        if settings.enforce != self.settings.enforce:
            try:
                self._enforce_message = self.enforcer.set_enforcing(settings.enforce)
            except ControlError as exc:
                return SetParametersResult(successful=False, reason=str(exc))
        if settings.check_period_s != self.settings.check_period_s:
            self.enforcer.check_period_s = settings.check_period_s
            self.destroy_timer(self.check_timer)
            self.check_timer = self.create_timer(settings.check_period_s, self._check)
        self.settings = settings
        return SetParametersResult(successful=True)

    def close(self) -> None:
        self.enforcer.shutdown()
        close = getattr(self.enforcer.backend, "close", None)
        if close:
            close()


def main(args=None) -> int:
    return run_node(JetsonPerformanceNode, args)


if __name__ == "__main__":
    sys.exit(main())
