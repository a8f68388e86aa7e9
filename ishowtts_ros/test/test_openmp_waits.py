# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""OpenMP's wait policy, as torch's own OpenMP library reads it when ishowtts_ros loads torch."""

import os
import re
import subprocess
import sys

import pytest

# libgomp prints the settings it read as it loads; its spin count says the policy in effect:
# 0 for PASSIVE, 300000 for its own default, 30000000000 for ACTIVE.
PASSIVE_SPINS, DEFAULT_SPINS, ACTIVE_SPINS = "0", "300000", "30000000000"
FRESH_PYTHON_S = 120.0  # a hang guard only: loading torch takes seconds


def libgomp_settings(code: str, **environment) -> dict:
    """Run ``code`` in a fresh Python; the settings libgomp printed, and our environment."""
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("OMP_", "GOMP_"))
    }
    env.update(environment, OMP_DISPLAY_ENV="VERBOSE")
    code += "\nimport os; print('policy in os.environ:', os.environ.get('OMP_WAIT_POLICY'))"
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=FRESH_PYTHON_S,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    settings = dict(re.findall(r"^\s*(\w+) = '([^']*)'", done.stderr, re.MULTILINE))
    settings["os.environ"] = done.stdout.rsplit("policy in os.environ: ", 1)[1].strip()
    return settings


@pytest.mark.parametrize(
    "entry_point",
    ["import ishowtts_ros.bench.cli", "import ishowtts_ros.nodes.tts_node; import torch"],
)
def test_torch_loaded_by_our_nodes_and_tools_has_threads_that_sleep_while_they_wait(entry_point):
    settings = libgomp_settings(entry_point)
    assert settings["OMP_WAIT_POLICY"] == "PASSIVE"
    assert settings["GOMP_SPINCOUNT"] == PASSIVE_SPINS


@pytest.mark.parametrize("policy, spins", [("ACTIVE", ACTIVE_SPINS), ("PASSIVE", PASSIVE_SPINS)])
def test_the_users_own_wait_policy_wins(policy, spins):
    settings = libgomp_settings("import ishowtts_ros.bench.cli", OMP_WAIT_POLICY=policy)
    assert settings["GOMP_SPINCOUNT"] == spins
    assert settings["os.environ"] == policy


def test_torch_loaded_first_keeps_its_default_and_the_environment_is_left_alone():
    settings = libgomp_settings("import torch, ishowtts_ros")
    assert settings["GOMP_SPINCOUNT"] == DEFAULT_SPINS
    assert settings["os.environ"] == "None"


CHILD = """
import subprocess
child = "import os; print(os.environ.get('OMP_WAIT_POLICY'))"
seen = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True)
print("child sees:", seen.stdout.strip())
"""


def test_importing_the_package_leaves_the_policy_of_other_processes_alone():
    """The launch file and apps import it: the nodes they start next keep their own."""
    code = (
        "import ishowtts_ros.launch_helpers\n"
        "from ishowtts_ros.engine import Engine, EngineConfig\n"
        "import sys, torch\n" + CHILD
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={k: v for k, v in os.environ.items() if not k.startswith(("OMP_", "GOMP_"))},
        capture_output=True,
        text=True,
        timeout=FRESH_PYTHON_S,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "child sees: None" in done.stdout
    assert libgomp_settings("import ishowtts_ros.launch_helpers")["os.environ"] == "None"
