# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The ROS 2 package builds with colcon and installs what ``ros2 run``/``ros2 launch`` look for."""

import os
import subprocess
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the package
REPOSITORY = os.path.dirname(ROOT)


def test_colcon_build_of_the_repository_builds_both_packages(tmp_path):
    """A workspace holding this repository builds the node package and its messages."""
    result = subprocess.run(
        [
            "bash",
            os.path.join(REPOSITORY, "scripts", "colcon_build.sh"),
            "--base-paths",
            REPOSITORY,
            "--build-base",
            str(tmp_path / "build"),
            "--install-base",
            str(tmp_path / "install"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env=dict(os.environ, COLCON_LOG_BASE=str(tmp_path / "log")),
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Both found; the test-only interfaces inside the node package are not.
    packages = {p.name for p in (tmp_path / "install").iterdir() if p.is_dir()}
    assert packages == {"ishowtts_msgs", "ishowtts_ros"}, packages
    messages = tmp_path / "install" / "ishowtts_msgs"
    assert (messages / "share" / "ishowtts_msgs" / "msg" / "Heard.msg").is_file()
    assert list(messages.glob("lib/python3*/site-packages/ishowtts_msgs/msg/_heard.py"))
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
    assert "ishowtts_msgs" in depends
    assert root.find("export/build_type").text == "ament_python"


def test_rosdep_is_not_asked_for_a_torch_that_would_replace_jetpacks():
    """Rosdep's python3-torch is Ubuntu's CPU build: on a Jetson it would shadow CUDA."""
    root = ET.parse(os.path.join(ROOT, "package.xml")).getroot()
    keys = {e.text for tag in ("depend", "exec_depend", "build_depend") for e in root.findall(tag)}
    assert not {key for key in keys if "torch" in key}, keys


# Runtime requirements with a rosdep key, and the key.
ROSDEP_KEYS = {
    "PyYAML": "python3-yaml",
    "pydub": "python3-pydub",
    "soundfile": "python3-soundfile",
}


def test_package_xml_names_every_runtime_package_as_a_rosdep_key_or_pip_only():
    """What rosdep cannot install is named, so that a colcon user knows to pip install it."""
    from ishowtts_ros.doctor.checks import runtime_requirements

    root = ET.parse(os.path.join(ROOT, "package.xml")).getroot()
    depends = {e.text for e in root.findall("exec_depend")}
    assert {"launch", "launch_ros"} <= depends  # the launch file imports both
    with open(os.path.join(ROOT, "package.xml"), encoding="utf-8") as stream:
        pip_only = stream.read().split("pip only", 1)[1].split("apt,", 1)[0]
    for name in runtime_requirements():
        if name in ROSDEP_KEYS:
            assert ROSDEP_KEYS[name] in depends, name
        else:
            assert f" {name}," in pip_only or f" {name}." in pip_only, name
