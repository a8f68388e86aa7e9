# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""jetson_performance_node over real rclpy on loopback, on fake Jetsons."""

import pytest
from diagnostic_msgs.msg import DiagnosticArray
from rcl_interfaces.srv import SetParameters
from rclpy.parameter import Parameter
from std_srvs.srv import SetBool

from ishowtts_ros.nodes.jetson_performance_node import JetsonPerformanceNode
from jetson_fakes import commands, make_tools, make_tree, write
from ros_harness import RosHarness, wait_for


@pytest.fixture
def ros():
    harness = RosHarness()
    yield harness
    harness.close()


def start(ros, root, tools=None, **params):
    params = {"sysfs_root": str(root), "backend": "commands", **params}
    if tools:
        params.update(nvpmodel_cmd=tools["nvpmodel"], jetson_clocks_cmd=tools["jetson_clocks"])
    node = JetsonPerformanceNode(
        context=ros.context, parameter_overrides=[Parameter(k, value=v) for k, v in params.items()]
    )
    return ros.add(node)


def latest(collector):
    """Return the newest report of each concern, by name."""
    reports = {}
    for msg in list(collector.messages):
        for status in msg.status:
            if status.name.startswith("jetson_performance_node: "):
                reports[status.name.split(": ")[1]] = status
    return reports


def test_enforces_at_start_and_reports(ros, tmp_path):
    tree = make_tree(tmp_path / "root", "orin", throttled=True, mode=2)
    start(ros, tree["root"], make_tools(tree, tmp_path / "bin"))
    assert ["nvpmodel", "-m", "0"] in commands(tree) and ["jetson_clocks"] in commands(tree)
    diagnostics = ros.subscribe(DiagnosticArray, "/diagnostics")
    assert wait_for(lambda: len(latest(diagnostics)) == 6, 5.0)
    reports = latest(diagnostics)
    assert reports["clocks"].level == b"\x00" and reports["power mode"].message == "MAXN"
    assert reports["clocks"].hardware_id == "NVIDIA Jetson AGX Orin Developer Kit"
    assert {kv.key: kv.value for kv in reports["clocks"].values}["gpu max MHz"] == "1300"


def test_reasserts_after_drift(ros, tmp_path):
    tree = make_tree(tmp_path / "root", "xavier", throttled=False, mode=0)
    start(ros, tree["root"], make_tools(tree, tmp_path / "bin"), check_period_s=0.5)
    write(tree["root"], "var/lib/nvpmodel/status", "2")
    write(tree["gpu"], "cur_freq", "510000000")
    assert wait_for(
        lambda: ["nvpmodel", "-m", "0"] in commands(tree) and ["jetson_clocks"] in commands(tree),
        5.0,
    )
    assert wait_for(lambda: open(f"{tree['gpu']}/cur_freq").read() == str(tree["top"]), 5.0)


def test_refusal_gives_an_error_and_the_node_stays(ros, tmp_path):
    tree = make_tree(tmp_path / "root", "orin", throttled=True)
    write(tree["root"], "fail_jetson_clocks", "")
    start(ros, tree["root"], make_tools(tree, tmp_path / "bin"), check_period_s=0.5)
    diagnostics = ros.subscribe(DiagnosticArray, "/diagnostics")
    assert wait_for(
        lambda: (
            "power mode" in latest(diagnostics)
            and "Permission denied" in latest(diagnostics)["power mode"].message
        ),
        5.0,
    )
    assert latest(diagnostics)["power mode"].level == b"\x02"
    assert latest(diagnostics)["clocks"].message == "jetson_clocks off: GPU at 306 MHz of 1300 MHz"
    count = len(diagnostics)
    assert wait_for(lambda: len(diagnostics) > count + 1, 5.0)  # still publishing


def test_a_refusing_jetson_clocks_is_retried_less_and_less_often(ros, tmp_path):
    """The node's checks go through the back-off (its arithmetic: test_jetson.py)."""
    tree = make_tree(tmp_path / "root", "orin", throttled=True, mode=0)
    write(tree["root"], "fail_jetson_clocks", "")
    start(ros, tree["root"], make_tools(tree, tmp_path / "bin"), check_period_s=0.5)
    diagnostics = ros.subscribe(DiagnosticArray, "/diagnostics")

    def failed_in_a_row():
        report = latest(diagnostics).get("power mode")
        return int({kv.key: kv.value for kv in report.values}["failed in a row"]) if report else 0

    assert wait_for(lambda: failed_in_a_row() >= 3, 30.0)
    report = latest(diagnostics)["power mode"]
    failures = failed_in_a_row()
    # each refusal waits twice as long as the one before: 1 s, 2 s, 4 s at a 0.5 s period
    assert f"{failures} failed in a row; next try in {2**failures * 0.5:.0f} s" in report.message
    tries = [c for c in commands(tree) if c == ["jetson_clocks"]]
    assert failures <= len(tries) <= failures + 1  # + the one that may be failing right now


def test_not_a_jetson_warns_and_runs(ros, tmp_path):
    write(str(tmp_path), "proc/meminfo", "MemTotal: 1000 kB\n")
    start(ros, tmp_path)
    diagnostics = ros.subscribe(DiagnosticArray, "/diagnostics")
    assert wait_for(lambda: "board" in latest(diagnostics), 5.0)
    status = latest(diagnostics)["board"]
    assert status.level == b"\x01" and status.message == "not a Jetson: nothing to enforce"


def test_service_both_ways_and_parameters(ros, tmp_path):
    tree = make_tree(tmp_path / "root", "orin", throttled=True, mode=0)
    node = start(
        ros,
        tree["root"],
        make_tools(tree, tmp_path / "bin"),
        store_and_restore=True,
        enforce=False,
    )
    assert ["jetson_clocks"] not in commands(tree)
    response = ros.call(SetBool, "jetson/set_max_performance", SetBool.Request(data=True))
    assert response.success and "jetson_clocks" in response.message
    assert open(f"{tree['gpu']}/cur_freq").read() == str(tree["top"])
    response = ros.call(SetBool, "jetson/set_max_performance", SetBool.Request(data=False))
    assert response.success and response.message == "enforcement off; stored clocks restored"
    assert open(f"{tree['gpu']}/cur_freq").read() == "306000000"
    request = SetParameters.Request(
        parameters=[Parameter("temp_warn_c", value=99.0).to_parameter_msg()]
    )
    result = ros.call(SetParameters, "jetson_performance_node/set_parameters", request).results[0]
    assert not result.successful and "temp_warn_c" in result.reason
    request.parameters = [Parameter("check_period_s", value=2.0).to_parameter_msg()]
    assert (
        ros.call(SetParameters, "jetson_performance_node/set_parameters", request)
        .results[0]
        .successful
    )
    assert node.settings.check_period_s == 2.0
