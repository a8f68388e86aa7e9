"""Shared fixtures: a small random-weight model of the real classes, built once per run."""

import os

import pytest

# Never reach for the model hub from tests: an empty path must fail clearly instead.
os.environ["HF_HUB_OFFLINE"] = "1"


@pytest.fixture(scope="session")
def test_model(tmp_path_factory):
    """Paths of a model folder written by ``ishowtts-make-test-model``'s builder."""
    from ishowtts_ros.engine.test_model import write_test_model

    return write_test_model(str(tmp_path_factory.mktemp("test_model")))


@pytest.fixture(scope="session")
def engine_config(test_model):
    from ishowtts_ros.engine import EngineConfig

    return EngineConfig.from_yaml(test_model["config"])


@pytest.fixture(scope="session")
def engine(engine_config):
    from ishowtts_ros.engine import Engine

    return Engine.load(engine_config)
