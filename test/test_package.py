# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The ROS 2 package builds with colcon and installs what ``ros2 run``/``ros2 launch`` look for."""

import os
import subprocess
import sys
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_colcon_build_installs_scripts_and_share_files(tmp_path):
    env = dict(os.environ, AMENT_PREFIX_PATH=os.environ.get("AMENT_PREFIX_PATH", sys.prefix))
    colcon = os.path.join(os.path.dirname(sys.executable), "colcon")
    result = subprocess.run(
        [
            colcon,
            "--log-base",
            str(tmp_path / "log"),
            "build",
            "--base-paths",
            ROOT,
            "--build-base",
            str(tmp_path / "build"),
            "--install-base",
            str(tmp_path / "install"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    prefix = tmp_path / "install" / "ishowtts_ros"
    for script in (
        "tts_node",
        "jetson_performance_node",
        "ishowtts-say",
        "ishowtts-make-test-model",
        "ishowtts-bench",
        "ishowtts-demo",
        "ishowtts-install-service",
    ):
        assert (prefix / "lib" / "ishowtts_ros" / script).is_file(), script
    assert (
        prefix / "share" / "ament_index" / "resource_index" / "packages" / "ishowtts_ros"
    ).is_file()
    assert (prefix / "share" / "ishowtts_ros" / "package.xml").is_file()
    for name in (
        "config/voices.yaml",
        "config/ishowtts.yaml",
        "config/diagnostics_analyzers.yaml",
        "launch/ishowtts.launch.py",
    ):
        assert (prefix / "share" / "ishowtts_ros" / name).is_file(), name


def test_package_xml_declares_the_runtime_dependencies():
    root = ET.parse(os.path.join(ROOT, "package.xml")).getroot()
    assert root.get("format") == "3"
    depends = {e.text for e in root.findall("exec_depend")}
    assert {"rclpy", "std_msgs", "std_srvs", "diagnostic_msgs", "audio_common_msgs"} <= depends
    assert root.find("export/build_type").text == "ament_python"


def test_rosdep_is_not_asked_for_a_torch_that_would_replace_jetpacks():
    """Rosdep's python3-torch is Ubuntu's CPU build: on a Jetson it would shadow CUDA."""
    root = ET.parse(os.path.join(ROOT, "package.xml")).getroot()
    keys = {e.text for tag in ("depend", "exec_depend", "build_depend") for e in root.findall(tag)}
    assert not {key for key in keys if "torch" in key}, keys
