# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""What an f5-tts model config file says: the network and its mel frontend (no torch).

The node reads the sample rate from here before the engine is loaded.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib.resources import files

from omegaconf import OmegaConf

from ishowtts_ros.engine.errors import MissingFileError


@dataclass
class ModelSpec:
    """What a model config file says about the network and its mel frontend."""

    name: str
    backbone: str
    arch: dict
    mel: dict


def shipped_model_names() -> list:
    """Names of the model configs that ship inside the f5-tts wheel."""
    configs = files("f5_tts").joinpath("configs")
    return sorted(p.name[: -len(".yaml")] for p in configs.iterdir() if p.name.endswith(".yaml"))


def load_model_spec(model: str) -> ModelSpec:
    """Read a shipped model config by name, or an f5-tts-format YAML file by path."""
    if model.endswith((".yaml", ".yml")):
        if not os.path.isfile(model):
            raise MissingFileError(f"model config file not found: {model}")
        path = model
    else:
        names = shipped_model_names()
        if model not in names:
            raise ValueError(
                f"model must be one of {', '.join(names)} or a YAML path, got {model!r}"
            )
        path = str(files("f5_tts").joinpath(f"configs/{model}.yaml"))
    cfg = OmegaConf.load(path)
    try:
        spec = ModelSpec(
            name=str(cfg.model.name),
            backbone=str(cfg.model.backbone),
            arch=OmegaConf.to_container(cfg.model.arch, resolve=True),
            mel=OmegaConf.to_container(cfg.model.mel_spec, resolve=True),
        )
    except Exception as exc:  # omegaconf raises several types for a missing key
        raise ValueError(
            f"model config {path} lacks model.name/backbone/arch/mel_spec: {exc}"
        ) from exc
    if spec.mel.get("mel_spec_type", "vocos") != "vocos":
        raise ValueError(
            f"model config {path}: only the vocos mel frontend is supported, "
            f"got {spec.mel['mel_spec_type']!r}"
        )
    return spec
