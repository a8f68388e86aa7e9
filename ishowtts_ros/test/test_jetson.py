# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The Jetson layer on fake trees and fake tools: reading, enforcing, diagnostics (no ROS)."""

import os

import pytest

from ishowtts_ros.jetson.backends import CommandBackend, ControlError
from ishowtts_ros.jetson.diagnostics import jetson_statuses
from ishowtts_ros.jetson.enforce import ControlState, Enforcer
from ishowtts_ros.jetson.nvpmodel import PowerMode, parse_conf, parse_query, target_mode
from ishowtts_ros.jetson.sysfs import read_stats
from ishowtts_ros.status import ERROR, OK, WARN
from jetson_fakes import commands, make_tools, make_tree, write

pytestmark = pytest.mark.no_torch


def by_name(reports):
    return {r.name.split(": ")[1]: r for r in reports}


def enforcer_for(tree, tmp_path, **options):
    tools = make_tools(tree, tmp_path / "bin")
    backend = CommandBackend(tools["nvpmodel"], tools["jetson_clocks"])
    return Enforcer(backend, tree["root"], "/etc/nvpmodel.conf", **options)


def test_reads_an_orin(tmp_path):
    tree = make_tree(tmp_path, "orin")
    stats = read_stats(tree["root"])
    assert stats.board == "NVIDIA Jetson AGX Orin Developer Kit" and stats.l4t_release == "36.4.0"
    assert stats.gpu.name == "17000000.ga10b"  # the whole GPU, not the gpu-gpc-0 node
    assert (stats.gpu.cur_hz, stats.gpu.max_hz, stats.gpu.load_percent) == (
        306000000,
        1300500000,
        42.1,
    )
    assert [c.online for c in stats.cpus] == [True, True, True, False]
    assert [z.name for z in stats.thermal] == ["cpu-thermal", "gpu-thermal", "tj-thermal"]
    assert [(r.name, r.milliwatts) for r in stats.power] == [
        ("VDD_GPU_SOC", 6000.0),
        ("VDD_CPU_CV", 2000.0),
    ]
    assert stats.memory.ram_used_percent == pytest.approx(25.0)
    assert stats.fan_percent == pytest.approx(50.2, abs=0.1)


def test_reads_a_xavier(tmp_path):
    stats = read_stats(make_tree(tmp_path, "xavier", throttled=False)["root"])
    assert (
        stats.gpu.name == "17000000.gv11b" and stats.gpu.at_max and stats.l4t_release == "35.5.0"
    )


def test_not_a_jetson_gives_one_warning(tmp_path):
    write(str(tmp_path), "proc/meminfo", "MemTotal: 1000 kB\n")
    stats = read_stats(str(tmp_path))
    assert not stats.is_jetson
    [report] = jetson_statuses(stats, ControlState("commands", True), 80, 95)
    assert report.level == WARN and report.message == "not a Jetson: nothing to enforce"


def test_power_modes_from_conf_and_query():
    modes = parse_conf("< POWER_MODEL ID=0 NAME=MAXN >\nX\n< POWER_MODEL ID=3 NAME=MODE_50W >\n")
    assert modes == [PowerMode(0, "MAXN"), PowerMode(3, "MODE_50W")]
    assert target_mode(modes, "") == PowerMode(0, "MAXN")
    assert target_mode(modes, "3") == target_mode(modes, "MODE_50W") == PowerMode(3, "MODE_50W")
    with pytest.raises(ValueError, match="'MODE_7W'"):
        target_mode(modes, "MODE_7W")
    assert parse_query("NV Power Mode: MODE_30W\n2\n") == PowerMode(2, "MODE_30W")


def test_enforcer_sets_maxn_and_clocks_then_reasserts_after_drift(tmp_path):
    tree = make_tree(tmp_path, "orin", throttled=True, mode=2)
    enforcer = enforcer_for(tree, tmp_path)
    state = enforcer.check(read_stats(tree["root"]))
    assert not state.error and state.current == PowerMode(0, "MAXN")
    assert ["nvpmodel", "-m", "0"] in commands(tree) and ["jetson_clocks"] in commands(tree)
    assert read_stats(tree["root"]).gpu.at_max
    before = len(commands(tree))
    enforcer.check(read_stats(tree["root"]))  # nothing drifted: only a query
    assert commands(tree)[before:] == [["nvpmodel", "-q"]]
    write(tree["root"], "var/lib/nvpmodel/status", "1")  # someone switched to 15 W
    write(tree["gpu"], "cur_freq", "612000000")
    state = enforcer.check(read_stats(tree["root"]))
    assert state.reasserted == 2 and ["nvpmodel", "-m", "0"] in commands(tree)[before:]
    assert read_stats(tree["root"]).gpu.at_max


def test_refusal_is_a_clear_error(tmp_path):
    tree = make_tree(tmp_path, "orin")
    write(tree["root"], "fail_nvpmodel", "")
    state = enforcer_for(tree, tmp_path).check(read_stats(tree["root"]))
    assert "Permission denied" in state.error and "jtop group" in state.error
    report = by_name(jetson_statuses(read_stats(tree["root"]), state, 80, 95))["power mode"]
    assert report.level == ERROR and "Permission denied" in report.message


def test_store_and_restore(tmp_path):
    tree = make_tree(tmp_path, "xavier", throttled=True, mode=0)
    enforcer = enforcer_for(tree, tmp_path, store_and_restore=True)
    enforcer.start()
    enforcer.check(read_stats(tree["root"]))
    assert read_stats(tree["root"]).gpu.at_max
    assert enforcer.set_enforcing(False) == "enforcement off; stored clocks restored"
    assert not read_stats(tree["root"]).gpu.at_max
    assert [c for c in commands(tree) if c[0] == "jetson_clocks"] == [
        ["jetson_clocks", "--store"],
        ["jetson_clocks"],
        ["jetson_clocks", "--restore"],
    ]


def test_diagnostics_levels(tmp_path):
    tree = make_tree(tmp_path, "orin", throttled=True)
    stats = read_stats(tree["root"])
    control = ControlState("commands", True, PowerMode(0, "MAXN"), PowerMode(0, "MAXN"))
    reports = by_name(jetson_statuses(stats, control, 80, 95))
    assert set(reports) == {"power mode", "clocks", "temperatures", "power", "memory", "backend"}
    assert reports["clocks"].level == ERROR
    assert reports["clocks"].message == "jetson_clocks off: GPU at 306 MHz of 1300 MHz"
    assert dict(reports["clocks"].values)["jetson_clocks"] == "inactive"
    assert dict(reports["power mode"].values)["NV Power-Mode"] == "MAXN"
    assert reports["power mode"].level == OK and reports["temperatures"].level == OK
    assert reports["power"].message == "8.0 W on 2 rails"
    assert by_name(jetson_statuses(stats, control, 45, 95))["temperatures"].level == WARN
    assert by_name(jetson_statuses(stats, control, 40, 47))["temperatures"].level == ERROR
    control.current = PowerMode(2, "MODE_30W")
    assert by_name(jetson_statuses(stats, control, 80, 95))["power mode"].message == (
        "power mode MODE_30W, expected MAXN"
    )


def test_a_missing_command_is_a_clear_control_error(tmp_path):
    missing = str(tmp_path / "missing-nvpmodel")
    with pytest.raises(ControlError, match="missing-nvpmodel not found: install JetPack"):
        CommandBackend(missing, "jetson_clocks").power_mode()


@pytest.mark.parametrize(
    "content,mode,reason",
    [
        ("#!/bin/sh\nexit 0\n", 0o644, "not executable"),
        ("\x7fELF but not a program", 0o755, "could not run"),
    ],
)
def test_a_command_that_cannot_run_is_a_clear_control_error(tmp_path, content, mode, reason):
    tool = tmp_path / "nvpmodel"
    tool.write_text(content)
    tool.chmod(mode)
    with pytest.raises(ControlError, match=f"nvpmodel {reason}"):
        CommandBackend(str(tool), "jetson_clocks").power_mode()


def test_a_command_that_hangs_is_stopped_with_a_clear_error(tmp_path):
    hang = tmp_path / "nvpmodel"
    hang.write_text("#!/bin/sh\nexec sleep 30\n")
    hang.chmod(0o755)
    with pytest.raises(ControlError, match="nvpmodel -q did not finish in 0.5 s"):
        CommandBackend(str(hang), "jetson_clocks", timeout_s=0.5).power_mode()


def test_a_power_mode_change_is_followed_by_jetson_clocks(tmp_path):
    """Re-run jetson_clocks after nvpmodel -m, which resets the clocks it set."""
    tree = make_tree(tmp_path, "orin", throttled=False, mode=2)
    enforcer_for(tree, tmp_path).check(read_stats(tree["root"]))
    assert commands(tree)[-2:] == [["nvpmodel", "-q"], ["jetson_clocks"]]
    assert ["nvpmodel", "-m", "0"] in commands(tree)


def test_refused_restore_keeps_enforcing(tmp_path):
    tree = make_tree(tmp_path, "orin", throttled=True, mode=0)
    enforcer = enforcer_for(tree, tmp_path, store_and_restore=True)
    enforcer.start()
    write(tree["root"], "fail_jetson_clocks", "")
    with pytest.raises(ControlError, match="Permission denied"):
        enforcer.set_enforcing(False)
    assert enforcer.state.enforcing


def test_unreadable_nvpmodel_output_warns_quoting_it_and_never_sets_the_mode(tmp_path):
    tree = make_tree(tmp_path, "orin", throttled=False, mode=2)
    write(tree["root"], "nvpmodel_query", "NVPM WARN: unknown board revision\n")
    enforcer = enforcer_for(tree, tmp_path)
    for period in range(5):
        state = enforcer.check(read_stats(tree["root"]), now=10.0 * period)
    assert [c for c in commands(tree) if c[:2] == ["nvpmodel", "-m"]] == []
    assert not state.error and "unknown board revision" in state.unknown_mode
    report = by_name(jetson_statuses(read_stats(tree["root"]), state, 80, 95))["power mode"]
    assert report.level == WARN and "'NVPM WARN: unknown board revision'" in report.message


def test_a_throttled_gpu_warns_with_its_temperature_and_jetson_clocks_is_not_rerun(tmp_path):
    tree = make_tree(tmp_path, "orin", throttled=False, mode=0)  # locked at max
    enforcer = enforcer_for(tree, tmp_path)
    write(tree["gpu"], "cur_freq", "612000000")  # the GPU slowed itself down
    write(tree["root"], "sys/class/thermal/thermal_zone2/temp", "97500")
    for period in range(6):
        state = enforcer.check(read_stats(tree["root"]), now=10.0 * period)
    assert ["jetson_clocks"] not in commands(tree) and state.reasserted == 0
    report = by_name(jetson_statuses(read_stats(tree["root"]), state, 80, 95))["clocks"]
    assert report.level == WARN
    assert report.message == "throttled: GPU at 612 MHz of 1300 MHz, hottest tj-thermal 97.5 °C"
    assert dict(report.values)["jetson_clocks"] == "running"


def test_refused_reassertions_back_off_doubling_to_ten_periods(tmp_path):
    tree = make_tree(tmp_path, "orin", throttled=True, mode=0)
    write(tree["root"], "fail_jetson_clocks", "")
    enforcer = enforcer_for(tree, tmp_path, check_period_s=10.0)
    attempts = []
    for period in range(60):  # ten minutes of checks, one per period
        before = len(commands(tree))
        state = enforcer.check(read_stats(tree["root"]), now=10.0 * period)
        if ["jetson_clocks"] in commands(tree)[before:]:
            attempts.append(10 * period)
    assert attempts == [0, 20, 60, 140, 240, 340, 440, 540]  # +20, +40, +80, then +100
    assert state.failures == 8 and "8 failed in a row" in state.error
    report = by_name(jetson_statuses(read_stats(tree["root"]), state, 80, 95))["power mode"]
    assert report.level == ERROR and dict(report.values)["failed in a row"] == "8"
    os.remove(os.path.join(tree["root"], "fail_jetson_clocks"))
    state = enforcer.check(read_stats(tree["root"]), now=640.0)
    assert state.failures == 0 and not state.error and read_stats(tree["root"]).gpu.at_max
