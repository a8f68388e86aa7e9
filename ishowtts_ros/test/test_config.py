# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Engine config: defaults in one place, validation naming key and value, YAML loading."""

import pytest

from ishowtts_ros.engine.config import EngineConfig

pytestmark = pytest.mark.no_torch


def test_defaults_are_the_documented_ones():
    config = EngineConfig()
    assert (
        config.model,
        config.nfe_step,
        config.cfg_strength,
        config.sway_sampling_coef,
        config.speed,
    ) == ("F5TTS_v1_Base", 7, 2.0, -1.0, 1.0)
    assert (config.device, config.dtype, config.seed) == ("auto", "auto", -1)


@pytest.mark.parametrize(
    "key,value",
    [
        ("nfe_step", 0),
        ("nfe_step", 65),
        ("nfe_step", 7.5),
        ("nfe_step", True),
        ("cfg_strength", -1.0),
        ("speed", 0.0),
        ("speed", "fast"),
        ("device", "tpu"),
        ("dtype", "int8"),
        ("seed", -2),
        ("sway_sampling_coef", 2.0),
        ("model", ""),
        ("ckpt_file", 3),
        ("allow_download", "yes"),
    ],
)
def test_bad_value_names_key_and_value(key, value):
    with pytest.raises(ValueError) as error:
        EngineConfig.from_dict({key: value})
    assert key in str(error.value) and repr(value) in str(error.value)


def test_unknown_key_is_named():
    with pytest.raises(ValueError, match="'nfe_steps'"):
        EngineConfig.from_dict({"nfe_steps": 7})


def test_yaml_paths_are_relative_to_the_file(tmp_path):
    (tmp_path / "sub").mkdir()
    path = tmp_path / "sub" / "engine.yaml"
    path.write_text(
        "model: arch.yaml\nckpt_file: model.safetensors\nvocoder_dir: ../voc\n"
        "voices_file: ''\nnfe_step: 16\n"
    )
    config = EngineConfig.from_yaml(str(path))
    assert config.ckpt_file == str(tmp_path / "sub" / "model.safetensors")
    assert config.vocoder_dir == str(tmp_path / "voc")
    assert config.model == str(tmp_path / "sub" / "arch.yaml")
    assert config.voices_file == "" and config.nfe_step == 16


def test_to_dict_round_trips():
    config = EngineConfig(nfe_step=16, seed=3)
    assert EngineConfig.from_dict(config.to_dict()) == config


def test_the_hand_written_engine_yaml_states_the_tables_keys_ranges_and_choices():
    """config/engine.yaml keeps its comments; what they state comes from the tables."""
    import os
    import re

    from ishowtts_ros.engine.config import ENGINE_PARAMS

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(root, "config", "engine.yaml"), encoding="utf-8") as stream:
        lines = [line for line in stream if re.match(r"^\w+:", line)]
    assert len(lines) > 10
    for line in lines:
        key, _, rest = line.partition(":")
        assert key in ENGINE_PARAMS, f"{key} is no engine setting"
        param, comment = ENGINE_PARAMS[key], rest.partition("#")[2]
        stated = re.search(r"(-?[\d.]+)\.\.(-?[\d.]+)", comment)
        if stated:
            assert (float(stated[1]), float(stated[2])) == (param.low, param.high), key
        if "|" in comment:
            choices = [part.split()[0] for part in re.sub(r"\(.*?\)", "", comment).split("|")]
            assert choices == list(param.choices), key
