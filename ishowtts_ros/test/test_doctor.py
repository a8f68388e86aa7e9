# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""``ishowtts-doctor`` and ``setup.sh --plan``, on this machine and on fake Jetson trees."""

import importlib.metadata
import json
import os
import subprocess
import sys

import yaml

from jetson_fakes import make_tools, make_tree

REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def doctor(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "ishowtts_ros.cli.doctor", *args],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, **(env or {})},
        check=False,
    )


def params_file(tmp_path, test_model, **changes):
    with open(test_model["params"], encoding="utf-8") as stream:
        data = yaml.safe_load(stream)
    data["/**/tts_node"]["ros__parameters"].update({"play_audio": False, **changes})
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(data))
    return str(path)


def by_name(result):
    return {check["name"]: check for check in json.loads(result.stdout)}


def test_doctor_on_this_machine_with_the_test_model(tmp_path, test_model, compile_cache_dir):
    params = params_file(
        tmp_path, test_model, compile="default", compile_cache_dir=compile_cache_dir
    )
    result = doctor("--params-file", params, "--json")
    checks = by_name(result)
    assert result.returncode == 0, result.stdout
    names = ("python", "torch", "f5-tts", "checkpoint", "vocoder", "vocab", "voice test")
    for name in (*names, "rclpy", "audio_common_msgs", "ishowtts_msgs"):
        assert checks[name]["status"] == "OK", checks[name]
    assert checks["compile"] == {
        "name": "compile",
        "status": "OK",
        "detail": "torch.compile (default) works on cpu",
        "fix": "",
    }
    assert checks["fallback voice"]["status"] == "OK"  # scripts/setup.sh installs espeak-ng
    assert checks["cuda"]["status"] == "WARN"  # no GPU here: a warning, not a failure
    assert checks["jetson"]["detail"] == "not a Jetson: nothing to check"
    text = doctor("--params-file", params_file(tmp_path, test_model, compile="none")).stdout
    assert text.splitlines()[0].startswith("OK   python")


def test_a_missing_checkpoint_and_an_unreadable_clip_fail_with_their_fix(tmp_path, test_model):
    clip = tmp_path / "broken.wav"
    clip.write_bytes(b"RIFF not really")
    voices = tmp_path / "voices.yaml"
    voices.write_text(f"voices:\n  - {{id: bob, ref_audio: {clip}, ref_text: Hi.}}\n")
    params = params_file(
        tmp_path, test_model, ckpt_file=str(tmp_path / "gone.safetensors"), voices_file=str(voices)
    )
    result = doctor("--params-file", params, "--json")
    checks = by_name(result)
    assert result.returncode == 1
    assert (
        checks["checkpoint"]["status"] == "FAIL"
        and "gone.safetensors" in checks["checkpoint"]["detail"]
    )
    assert "set ckpt_file" in checks["checkpoint"]["fix"]
    assert checks["voice bob"]["status"] == "FAIL" and "3-10 s" in checks["voice bob"]["fix"]


def test_a_compiler_that_fails_is_a_warning_with_its_fix(tmp_path, test_model, compile_cache_dir):
    params = params_file(
        tmp_path, test_model, compile="default", compile_cache_dir=compile_cache_dir
    )
    check = by_name(doctor("--params-file", params, "--json", env={"CXX": "false"}))["compile"]
    assert check["status"] == "WARN" and "C++ compiler" in check["detail"], check
    assert "speech runs uncompiled" in check["detail"] and "compile: none" in check["fix"]


def test_no_such_sound_device_is_a_warning_with_its_fix(tmp_path, test_model):
    params = params_file(tmp_path, test_model, play_audio=True, audio_device="no-such-device")
    check = by_name(doctor("--params-file", params, "--json"))["sound device"]
    assert check["status"] == "WARN" and "python3 -m sounddevice" in check["fix"]


def test_doctor_on_a_fake_jetson_reads_it_as_the_node_does(tmp_path, test_model):
    tree = make_tree(tmp_path / "root", "orin", throttled=True, mode=2)
    tools = make_tools(tree, tmp_path / "bin")
    with open(params_file(tmp_path, test_model), encoding="utf-8") as stream:
        data = yaml.safe_load(stream)
    data["/**/jetson_performance_node"] = {
        "ros__parameters": {
            "sysfs_root": tree["root"],
            "nvpmodel_cmd": tools["nvpmodel"],
            "jetson_clocks_cmd": tools["jetson_clocks"],
        }
    }
    path = tmp_path / "jetson.yaml"
    path.write_text(yaml.safe_dump(data))
    checks = by_name(doctor("--params-file", str(path), "--json"))
    assert checks["board"]["detail"] == "NVIDIA Jetson AGX Orin Developer Kit, L4T 36.4.0"
    assert checks["power mode"]["status"] == "WARN"
    assert checks["power mode"]["detail"] == "MODE_30W, expected MAXN"
    assert (
        checks["jetson_clocks"]["status"] == "WARN"
        and "inactive" in checks["jetson_clocks"]["detail"]
    )
    assert checks["cuda"]["status"] == "FAIL"  # a Jetson without CUDA torch is broken
    assert "NVIDIA's PyTorch" in checks["cuda"]["fix"]


def plan(env, *args):
    return subprocess.run(
        ["bash", os.path.join(REPOSITORY, "scripts", "setup.sh"), "--plan", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**{k: v for k, v in os.environ.items() if k != "ROS_DISTRO"}, **env},
        check=False,
    )


def test_setup_plan_on_a_jetpack_6_tree_keeps_jetpacks_torch_and_uses_apt_ros(tmp_path):
    tree = make_tree(tmp_path / "root", "orin")
    result = plan({"ISHOWTTS_SYSTEM_ROOT": tree["root"], "ROS_DISTRO": "humble"}, sys.executable)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    print(out)
    assert "Jetson: NVIDIA Jetson AGX Orin Developer Kit, L4T R36.4.0" in out
    assert "Python 3.10" in out and "--system-site-packages" in out
    assert "never installed or upgraded" in out and "the sourced ROS 2 humble" in out
    assert "requirements-ros.txt" not in out and "check torch.cuda.is_available()" in out
    assert "torch.compile: Triton " in out and "espeak-ng" in out
    assert f"plan: torch {torch_version()}: has what the compiled path needs" in out
    assert "plan: ishowtts-warm-cache: compile the shipped buckets" in out


def torch_version():
    import torch

    return torch.__version__


def test_setup_plan_on_a_jetson_whose_torch_lacks_set_stance_says_it_speaks_uncompiled(tmp_path):
    """JetPack 6.0/6.1's torch (2.4/2.5): the attribute removed as Python starts."""
    tree = make_tree(tmp_path / "root", "orin")
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text("import torch\ndel torch.compiler.set_stance\n")
    python = tmp_path / "python3"
    python.write_text(f'#!/bin/sh\nPYTHONPATH={site} exec {sys.executable} "$@"\n')
    python.chmod(0o755)
    result = plan({"ISHOWTTS_SYSTEM_ROOT": tree["root"], "ROS_DISTRO": "humble"}, str(python))
    assert result.returncode == 0, result.stderr
    assert f"plan: torch {torch_version()}: no torch.compiler.set_stance" in result.stdout
    assert "the node speaks uncompiled and says so" in result.stdout


def test_setup_plan_on_a_jetson_without_triton_says_speech_runs_uncompiled(tmp_path):
    tree = make_tree(tmp_path / "root", "orin")
    python = tmp_path / "python3"  # this Python without its site-packages: no Triton
    python.write_text(f'#!/bin/sh\nexec {sys.executable} -S "$@"\n')
    python.chmod(0o755)
    result = plan({"ISHOWTTS_SYSTEM_ROOT": tree["root"], "ROS_DISTRO": "humble"}, str(python))
    assert result.returncode == 0, result.stderr
    assert "no Triton beside JetPack's torch: the node speaks uncompiled" in result.stdout
    assert "compile: none" in result.stdout


def test_setup_plan_on_a_jetson_without_ros_sourced_says_to_source_it(tmp_path):
    tree = make_tree(tmp_path / "root", "orin")
    result = plan({"ISHOWTTS_SYSTEM_ROOT": tree["root"]}, sys.executable)
    assert result.returncode == 2 and "source your ROS 2 setup.bash first" in result.stderr


def test_setup_plan_on_x86_64_pins_torch_and_uses_the_ros_wheels(tmp_path):
    result = plan({"ISHOWTTS_SYSTEM_ROOT": str(tmp_path)}, sys.executable)
    assert result.returncode == 0, result.stderr
    assert "x86_64: Python 3.10" in result.stdout and "pinned from PyPI" in result.stdout
    assert "PyPI's ROS 2 wheels" in result.stdout and "Jetson" not in result.stdout


def test_doctor_fails_naming_the_messages_package_when_the_workspace_is_not_sourced(tmp_path):
    paths = os.environ.get("PYTHONPATH", "").split(os.pathsep)
    pythonpath = os.pathsep.join(p for p in paths if "ishowtts_msgs" not in p)
    result = doctor("--json", env={"PYTHONPATH": pythonpath})
    check = by_name(result)["ishowtts_msgs"]
    assert result.returncode == 1 and check["status"] == "FAIL", check
    assert "colcon build" in check["fix"]


def test_the_doctor_checks_every_package_of_the_one_runtime_list(monkeypatch):
    """Its list is requirements.txt's (the package's own file): pysbd and soxr included."""
    from ishowtts_ros.doctor.checks import FAIL, OK, packages, runtime_requirements

    names = runtime_requirements()
    assert {"f5-tts", "vocos", "pysbd", "soxr", "wetext", "sounddevice"} <= set(names)
    assert not {"torch", "torchaudio"} & set(names)  # JetPack's on a Jetson: the torch checks
    assert all(check.status == OK for check in packages())
    version = importlib.metadata.version

    def without_pysbd(name):
        if name == "pysbd":
            raise importlib.metadata.PackageNotFoundError(name)
        return version(name)

    monkeypatch.setattr(importlib.metadata, "version", without_pysbd)
    [missing] = [check for check in packages() if check.status != OK]
    assert (missing.name, missing.status) == ("pysbd", FAIL) and "pysbd" in missing.detail


def test_a_thin_client_is_checked_for_its_servers_not_for_torch(tmp_path, test_model):
    from ishowtts_ros.serve.server_process import free_port

    dead = f"127.0.0.1:{free_port()}"
    params = params_file(tmp_path, test_model, synthesis_server=f"grpc://{dead}")
    result = doctor("--params-file", params, "--json")
    checks = by_name(result)
    assert result.returncode == 1, result.stdout
    server = checks[f"server {dead}"]
    assert server["status"] == "FAIL" and "UNAVAILABLE" in server["detail"], server
    assert "ishowtts-serve" in server["fix"]
    assert checks["tritonclient"]["status"] == "OK" and checks["rclpy"]["status"] == "OK"
    assert not {"torch", "f5-tts", "checkpoint", "compile"} & set(checks)  # not needed here
