# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Bring-up: launch inputs, the shipped parameter files, rqt groups, the systemd unit."""

import ast
import dataclasses
import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

from ishowtts_ros.cli.install_service import render_unit
from ishowtts_ros.jetson.diagnostics import PREFIX as JETSON_PREFIX
from ishowtts_ros.jetson.settings import JetsonSettings
from ishowtts_ros.launch_helpers import LAUNCH_ARGUMENTS, node_configs
from ishowtts_ros.engine.config import EngineConfig
from ishowtts_ros.parameters import defaults
from ishowtts_ros.speech.settings import SpeechSettings
from ishowtts_ros.stop_bounds import (
    CLOSE_BOUND_S,
    HURRY_S,
    LAUNCH_SIGKILL_AFTER_S,
    LAUNCH_SIGTERM_AFTER_S,
)

pytestmark = pytest.mark.no_torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIG = os.path.join(ROOT, "config")


def test_launch_defaults_start_both_nodes_with_the_package_params():
    configs = node_configs({arg.name: arg.default for arg in LAUNCH_ARGUMENTS}, ROOT)
    assert [c["executable"] for c in configs] == ["tts_node", "jetson_performance_node"]
    for config in configs:
        assert config["parameters"] == [os.path.join(ROOT, "config", "ishowtts.yaml")]
        assert config["respawn"] and config["respawn_delay"] == 5.0
        # launch's SIGTERM comes once the close has had its time; SIGKILL after a hurry
        assert float(config["sigterm_timeout"]) == LAUNCH_SIGTERM_AFTER_S >= CLOSE_BOUND_S
        assert float(config["sigkill_timeout"]) == LAUNCH_SIGKILL_AFTER_S >= HURRY_S
        assert (
            config["arguments"] == ["--ros-args", "--log-level", "info"]
            and config["namespace"] == ""
        )


def test_launch_arguments_override_tts_parameters():
    values = {arg.name: arg.default for arg in LAUNCH_ARGUMENTS}
    values.update(
        namespace="robot1",
        voice="alice",
        nfe_step="8",
        play_audio="false",
        publish_audio="true",
        enable_jetson_performance="false",
        log_level="DEBUG",
        voices_file="/v.yaml",
        synthesis_server="grpc://gpu-host:8001",
    )
    [config] = node_configs(values, ROOT)
    assert config["namespace"] == "robot1" and config["arguments"][-1] == "debug"
    assert config["parameters"][1] == {
        "voice": "alice",
        "nfe_step": 8,
        "play_audio": False,
        "publish_audio": True,
        "voices_file": "/v.yaml",
        "synthesis_server": "grpc://gpu-host:8001",
    }


@pytest.mark.parametrize(
    "name,value,message",
    [
        ("nfe_step", "0", "1..64"),
        ("nfe_step", "seven", "'seven'"),
        ("play_audio", "maybe", "'maybe'"),
        ("log_level", "loud", "'loud'"),
        ("params_file", "/nowhere.yaml", "/nowhere.yaml"),
        ("respawn_delay", "soon", "'soon'"),
        ("synthesis_server", "http://gpu-host:8000", "http://gpu-host:8000"),
    ],
)
def test_bad_launch_arguments_are_named(name, value, message):
    values = {arg.name: arg.default for arg in LAUNCH_ARGUMENTS}
    values[name] = value
    with pytest.raises(ValueError, match=message):
        node_configs(values, ROOT)


def test_launch_file_declares_every_argument_with_a_description():
    with open(os.path.join(ROOT, "launch", "ishowtts.launch.py"), encoding="utf-8") as stream:
        tree = ast.parse(stream.read())
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    assert {"LAUNCH_ARGUMENTS", "node_configs", "DeclareLaunchArgument", "OpaqueFunction"} <= names
    assert all(arg.description for arg in LAUNCH_ARGUMENTS)
    assert {
        "params_file",
        "voices_file",
        "namespace",
        "voice",
        "nfe_step",
        "play_audio",
        "publish_audio",
        "enable_jetson_performance",
        "log_level",
    } <= {arg.name for arg in LAUNCH_ARGUMENTS}


def test_shipped_params_file_is_the_one_the_parameter_tables_write():
    from ishowtts_ros.params_file import params_yaml

    with open(os.path.join(CONFIG, "ishowtts.yaml"), encoding="utf-8") as stream:
        shipped = stream.read()
    assert shipped == params_yaml(), (
        "config/ishowtts.yaml is out of date: python -m ishowtts_ros.params_file > "
        "ishowtts_ros/config/ishowtts.yaml (from the repository root)"
    )


def test_shipped_params_file_holds_every_parameter_at_its_default():
    with open(os.path.join(CONFIG, "ishowtts.yaml"), encoding="utf-8") as stream:
        data = yaml.safe_load(stream)
    tts = data["/**/tts_node"]["ros__parameters"]
    expected = {**defaults(EngineConfig), **defaults(SpeechSettings)}
    # An empty list cannot be written in a params file: those lines are comments.
    expected = {name: value for name, value in expected.items() if value != []}
    assert tts == expected
    jetson = data["/**/jetson_performance_node"]["ros__parameters"]
    assert jetson == dataclasses.asdict(JetsonSettings())


def test_analyzers_group_both_nodes():
    with open(os.path.join(CONFIG, "diagnostics_analyzers.yaml"), encoding="utf-8") as stream:
        analyzers = yaml.safe_load(stream)["analyzers"]["ros__parameters"]
    groups = {
        entry["path"]: entry["startswith"]
        for key, entry in analyzers.items()
        if isinstance(entry, dict)
    }
    assert set(groups) == {"Speech", "Jetson"}
    assert "tts_node: speech".startswith(tuple(groups["Speech"]))
    assert JETSON_PREFIX.startswith(tuple(groups["Jetson"]))


def test_example_voices_file_documents_its_fields():
    with open(os.path.join(CONFIG, "voices.yaml"), encoding="utf-8") as stream:
        text = stream.read()
    for field in ("id:", "ref_audio:", "ref_text:", "speed:"):
        assert field in text


def test_systemd_unit_renders_and_verifies(tmp_path):
    setup = tmp_path / "ws" / "install" / "setup.bash"
    setup.parent.mkdir(parents=True)
    setup.write_text("")
    unit = render_unit(
        "root",
        ["audio"],
        "/opt/ros/humble/setup.bash",
        str(setup),
        ["namespace:=robot1", "voice:=it's $HOME 50%"],
        {"ROS_DOMAIN_ID": "7"},
    )
    assert (
        "Restart=on-failure" in unit
        and "User=root" in unit
        and "SupplementaryGroups=audio" in unit
    )
    assert "exec ros2 launch ishowtts_ros ishowtts.launch.py namespace:=robot1" in unit
    assert "$$HOME 50%%" in unit  # systemd must not expand what came from the command line
    # systemd signals launch alone (launch signals the nodes), and waits for all of it
    assert "KillSignal=SIGINT\nKillMode=mixed\n" in unit
    [timeout] = re.findall(r"^TimeoutStopSec=(\d+)$", unit, re.MULTILINE)
    assert int(timeout) > LAUNCH_SIGTERM_AFTER_S + LAUNCH_SIGKILL_AFTER_S
    path = tmp_path / "ishowtts.service"
    path.write_text(unit)
    if shutil.which("systemd-analyze"):  # Debian package systemd; scripts/setup.sh installs it
        result = subprocess.run(
            ["systemd-analyze", "verify", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr


def test_install_service_command(tmp_path):
    (tmp_path / "install").mkdir()
    (tmp_path / "install" / "setup.bash").write_text("")
    tool = [sys.executable, "-m", "ishowtts_ros.cli.install_service"]  # also where not installed
    result = subprocess.run(
        [
            *tool,
            "--user",
            "root",
            "--workspace",
            str(tmp_path),
            "--groups",
            "audio,no_such_group_xyz",
            "--domain-id",
            "12",
            "--output",
            "-",
            "namespace:=r2",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (
        "no_such_group_xyz" not in result.stdout
        and 'Environment="ROS_DOMAIN_ID=12"' in result.stdout
    )
    assert "namespace:=r2" in result.stdout
    missing = subprocess.run(
        [*tool, "--workspace", str(tmp_path / "nope"), "--output", "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert missing.returncode == 2 and "colcon build" in missing.stderr


def test_the_readme_quotes_the_stop_bound():
    from ishowtts_ros.stop_bounds import BUSY_STEP_WAIT_S, UNIT_STOP_TIMEOUT_S

    with open(os.path.join(os.path.dirname(ROOT), "README.md"), encoding="utf-8") as stream:
        readme = " ".join(stream.read().split())
    for quoted in (
        f"up to {BUSY_STEP_WAIT_S:.0f} s for each, {CLOSE_BOUND_S:.0f} s in all",
        f"(`sigterm_timeout` {LAUNCH_SIGTERM_AFTER_S:.0f} s;",
        f"then {LAUNCH_SIGKILL_AFTER_S:.0f} s before SIGKILL",
        f"`TimeoutStopSec={UNIT_STOP_TIMEOUT_S:.0f}`",
    ):
        assert quoted in readme, quoted
