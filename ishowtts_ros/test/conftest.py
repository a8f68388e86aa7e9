# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Shared fixtures: a small random-weight model of the real classes, built once per run."""

import importlib.util
import os

import pytest

# Never reach for the model hub from tests: an empty path must fail clearly instead.
os.environ["HF_HUB_OFFLINE"] = "1"
# The engine tiers run on the CPU; scripts/gpu_check.sh runs some of them on CUDA too.
TEST_DEVICE = os.environ.get("ISHOWTTS_TEST_DEVICE", "cpu")
# Parallel workers (pytest-xdist, scripts/test.sh) each get a ROS domain of their own:
# two workers' nodes must never hear each other. Domains stay within 10..169.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if WORKER.startswith("gw") and "ROS_DOMAIN_ID" in os.environ:
    _base = int(os.environ["ROS_DOMAIN_ID"])
    os.environ["ROS_DOMAIN_ID"] = str(10 + (_base - 10 + int(WORKER[2:])) % 160)


def pytest_sessionstart(session):
    """Work around a torch bug before any test compiles in a thread of a node.

    With a CUDA build of torch on a machine without a GPU (this CI), the first compile
    installs a no-op CUDA device guard in the thread that compiles; once that thread has
    ended (a node's speaker, at close), the next compile in any thread segfaults
    (torch 2.11). Installing it from the main thread, which lives as long as the run,
    avoids it. A tts_node is not affected: its compiling thread lives as long as it does.
    """
    if importlib.util.find_spec("torch") is None:
        return
    import torch

    if not torch.cuda.is_available() and hasattr(torch._C, "_ensureCUDADeviceGuardSet"):
        torch._C._ensureCUDADeviceGuardSet()


def pytest_ignore_collect(collection_path, config):
    """Without torch (the quick pass on other Pythons), collect only the torch-free tier."""
    if collection_path.suffix != ".py" or importlib.util.find_spec("torch") is not None:
        return None
    if collection_path.name.startswith("test_"):
        return "pytest.mark.no_torch" not in collection_path.read_text(encoding="utf-8")
    return None


@pytest.fixture(scope="session")
def test_model(tmp_path_factory):
    """Paths of a model folder written by ``ishowtts-make-test-model``'s builder."""
    from ishowtts_ros.engine.random_model import write_random_model

    return write_random_model(str(tmp_path_factory.mktemp("test_model")))


@pytest.fixture(scope="session")
def engine_config(test_model):
    from ishowtts_ros.engine import EngineConfig

    # Eager unless a test asks for a compile mode (auto would be max-autotune on CUDA).
    return EngineConfig.from_yaml(test_model["config"]).replace(device=TEST_DEVICE, compile="none")


@pytest.fixture(scope="session")
def engine(engine_config):
    from ishowtts_ros.engine import Engine

    return Engine.load(engine_config)


@pytest.fixture(scope="session")
def compile_cache_dir(tmp_path_factory):
    """One inductor cache for the run: a graph compiled once is read back by later tests.

    Shared by parallel workers too (inductor writes its cache entries atomically).
    """
    root = tmp_path_factory.getbasetemp()
    path = (root.parent if WORKER else root) / "inductor"
    path.mkdir(exist_ok=True)
    return str(path)


@pytest.fixture(scope="module")
def served(test_model, tmp_path_factory):
    """Start an ``ishowtts-serve`` of the module's own; yield ``{"server": ServeProcess}``.

    Triton's log is verbose (it shows each request a client cancelled); a test may start
    the server again (the holder then has the new one); the last one is stopped at the end.
    """
    from serving import one_server_at_a_time

    from ishowtts_ros.serve.server_process import ServeProcess

    with one_server_at_a_time(tmp_path_factory):
        log = tmp_path_factory.mktemp("remote") / "serve.log"
        holder = {"server": ServeProcess(test_model["config"], str(log), "--log-verbose", "1")}
        try:
            holder["server"].wait_ready(timeout=300)
            yield holder
        finally:
            holder["server"].stop()


@pytest.fixture
def null_sound_card(tmp_path):
    """ALSA's default device replaced by one that writes every sample it gets to a file."""
    played = tmp_path / "played.raw"
    config = tmp_path / "asound.conf"
    config.write_text(
        f'pcm.!default {{ type file slave.pcm "null" file "{played}" format "raw" }}\n'
    )
    return played, f"/usr/share/alsa/alsa.conf:{config}"
