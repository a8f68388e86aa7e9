# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Loading the real classes from local files; every missing file is one clear error."""

import os
import shutil

import numpy as np
import pytest

from ishowtts_ros.engine import Engine, EngineConfig, MissingFileError


def config_with(engine_config, **changes):
    return engine_config.replace(**changes)


@pytest.mark.parametrize(
    "key,name",
    [
        ("ckpt_file", "absent.safetensors"),
        ("vocab_file", "absent_vocab.txt"),
        ("voices_file", "absent_voices.yaml"),
        ("model", "absent_model.yaml"),
    ],
)
def test_missing_file_is_named(engine_config, tmp_path, key, name):
    missing = str(tmp_path / name)
    with pytest.raises(MissingFileError) as error:
        Engine.load(config_with(engine_config, **{key: missing}))
    assert missing in str(error.value)


@pytest.mark.parametrize("absent", ["config.yaml", "pytorch_model.bin"])
def test_missing_vocoder_file_is_named(engine_config, test_model, tmp_path, absent):
    vocoder = tmp_path / "vocoder"
    shutil.copytree(test_model["vocoder"], vocoder)
    os.remove(vocoder / absent)
    with pytest.raises(MissingFileError, match=str(vocoder / absent)):
        Engine.load(config_with(engine_config, vocoder_dir=str(vocoder)))


def test_missing_vocoder_folder_is_named(engine_config, tmp_path):
    with pytest.raises(MissingFileError, match=str(tmp_path / "nowhere")):
        Engine.load(config_with(engine_config, vocoder_dir=str(tmp_path / "nowhere")))


def test_empty_checkpoint_path_offline_says_where_to_put_it(engine_config):
    with pytest.raises(MissingFileError, match="ckpt_file"):
        Engine.load(EngineConfig(vocoder_dir=engine_config.vocoder_dir))


def test_empty_checkpoint_path_without_download_is_refused(engine_config):
    with pytest.raises(MissingFileError, match="set ckpt_file"):
        Engine.load(EngineConfig(allow_download=False))


def test_checkpoint_of_another_architecture_is_refused(engine_config, tmp_path):
    from ishowtts_ros.engine.random_model import write_random_model

    other = write_random_model(str(tmp_path / "other"), dim=32, depth=1)
    with pytest.raises(MissingFileError, match="does not match"):
        Engine.load(config_with(engine_config, ckpt_file=other["safetensors"]))


def test_corrupt_checkpoint_is_named(engine_config, tmp_path):
    bad = tmp_path / "model.safetensors"
    bad.write_bytes(b"not a checkpoint")
    with pytest.raises(MissingFileError, match=str(bad)):
        Engine.load(config_with(engine_config, ckpt_file=str(bad)))


def test_pt_and_safetensors_give_the_same_speech(engine, engine_config, test_model):
    from_pt = Engine.load(config_with(engine_config, ckpt_file=test_model["pt"]))
    text = "Both formats hold the same weights."
    assert np.array_equal(
        from_pt.synthesize(text, seed=5).samples, engine.synthesize(text, seed=5).samples
    )


def test_unknown_shipped_model_name_lists_the_known_ones():
    with pytest.raises(ValueError, match="F5TTS_v1_Base"):
        Engine.load(EngineConfig(model="F5TTS_v9"))
