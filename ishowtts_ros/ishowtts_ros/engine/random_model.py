# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Small random-weight models of the real F5-TTS and Vocos classes, in the real file formats.

For tests, demos and speed measurements where the real weights are absent. Upstream
zero-initialises the AdaLN and output layers, so a fresh model outputs silence; every
all-zero weight is re-randomised here so that the model computes something.
"""

from __future__ import annotations

import os
import shutil

import numpy as np
import torch
import yaml

from ishowtts_ros.engine import loading
from ishowtts_ros.engine.model_spec import load_model_spec
from ishowtts_ros.engine.config import PATH_FIELDS
from ishowtts_ros.engine.text import shipped_vocab_path

TEST_VOICE_TEXT = "This is a small test voice for the speech engine."
TEST_VOICE_RATE = 22050  # not 24 kHz, so that resampling is exercised


def model_yaml(
    dim: int,
    depth: int,
    heads: int,
    text_dim: int,
    conv_layers: int,
    name: str,
    backbone: str = "DiT",
    **arch_overrides,
) -> dict:
    """Describe a shipped model's layout at another size, as an f5-tts model config.

    ``backbone`` "DiT" follows F5TTS_v1_Base, "UNetT" E2TTS_Base; ``arch_overrides``
    set other constructor arguments of the backbone (e.g. ``long_skip_connection``).
    """
    if backbone == "DiT":
        arch = {
            "dim": dim,
            "depth": depth,
            "heads": heads,
            "ff_mult": 2,
            "text_dim": text_dim,
            "text_mask_padding": True,
            "qk_norm": None,
            "conv_layers": conv_layers,
            "pe_attn_head": None,
            "attn_backend": "torch",
            "attn_mask_enabled": False,
            "checkpoint_activations": False,
        }
    elif backbone == "UNetT":
        arch = {"dim": dim, "depth": depth, "heads": heads, "ff_mult": 4}
        arch.update(text_mask_padding=False, pe_attn_head=1)
    else:
        raise ValueError(f"backbone must be DiT or UNetT, got {backbone!r}")
    return {
        "model": {
            "name": name,
            "tokenizer": "custom",
            "backbone": backbone,
            "arch": {**arch, **arch_overrides},
            "mel_spec": {
                "target_sample_rate": 24000,
                "n_mel_channels": 100,
                "hop_length": 256,
                "win_length": 1024,
                "n_fft": 1024,
                "mel_spec_type": "vocos",
            },
        }
    }


def vocos_yaml(dim: int, layers: int) -> dict:
    """Vocos mel-24khz's hparams file at another width and depth."""
    return {
        "feature_extractor": {
            "class_path": "vocos.feature_extractors.MelSpectrogramFeatures",
            "init_args": {
                "sample_rate": 24000,
                "n_fft": 1024,
                "hop_length": 256,
                "n_mels": 100,
                "padding": "center",
            },
        },
        "backbone": {
            "class_path": "vocos.models.VocosBackbone",
            "init_args": {
                "input_channels": 100,
                "dim": dim,
                "intermediate_dim": dim * 3,
                "num_layers": layers,
            },
        },
        "head": {
            "class_path": "vocos.heads.ISTFTHead",
            "init_args": {"dim": dim, "n_fft": 1024, "hop_length": 256, "padding": "same"},
        },
    }


def randomise_zero_weights(module: torch.nn.Module, generator: torch.Generator) -> None:
    """Give every all-zero parameter random values (upstream leaves them at zero).

    Weights get the scale of a default ``nn.Linear`` (1/sqrt(fan_in)), so the predicted
    flow is of the order of the noise and the sampler's steps visibly matter.
    """
    with torch.no_grad():
        for parameter in module.parameters():
            if not parameter.any():
                scale = parameter.shape[-1] ** -0.5 if parameter.ndim > 1 else 0.1
                parameter.copy_(torch.randn(parameter.shape, generator=generator) * scale)


def synthetic_voice_wave(
    seconds: float = 2.6, edge_silence: float = 0.4, rate: int = TEST_VOICE_RATE
) -> np.ndarray:
    """Make a deterministic voiced sound: harmonics under syllable envelopes, silent edges."""
    t = np.arange(int(seconds * rate)) / rate
    f0 = 120 + 25 * np.sin(2 * np.pi * 0.7 * t)
    phase = 2 * np.pi * np.cumsum(f0) / rate
    voiced = sum(np.sin(k * phase) / k for k in range(1, 12))
    envelope = np.clip(np.sin(np.pi * 4.0 * t), 0, None) ** 0.5
    wave = 0.25 * voiced * envelope / np.max(np.abs(voiced))
    silence = np.zeros(int(edge_silence * rate))
    return np.concatenate([silence, wave, silence]).astype(np.float32)


def write_random_model(
    out_dir: str,
    dim: int = 64,
    depth: int = 2,
    heads: int = 2,
    text_dim: int = 32,
    conv_layers: int = 1,
    vocoder_dim: int = 32,
    vocoder_layers: int = 1,
    seed: int = 0,
    write_pt: bool = True,
    name: str = "ishowtts_test",
    backbone: str = "DiT",
    **arch_overrides,
) -> dict:
    """Write a complete model folder and return the paths of what was written.

    Contents: ``model.yaml``, ``model.safetensors`` and ``model.pt`` (EMA layout),
    ``vocab.txt``, ``vocoder/``, ``voice.wav``, ``voices.yaml``, ``config.yaml`` (engine)
    and ``tts_node.params.yaml`` (ROS parameters).
    """
    from safetensors.torch import save_file

    from ishowtts_ros.audio.wav import write_wav

    out_dir = os.path.abspath(out_dir)
    os.makedirs(os.path.join(out_dir, "vocoder"), exist_ok=True)
    paths = {
        key: os.path.join(out_dir, name_)
        for key, name_ in (
            ("model", "model.yaml"),
            ("safetensors", "model.safetensors"),
            ("pt", "model.pt"),
            ("vocab", "vocab.txt"),
            ("vocoder", "vocoder"),
            ("voice", "voice.wav"),
            ("voices", "voices.yaml"),
            ("config", "config.yaml"),
            ("params", "tts_node.params.yaml"),
        )
    }

    _write_yaml(
        paths["model"],
        model_yaml(dim, depth, heads, text_dim, conv_layers, name, backbone, **arch_overrides),
    )
    shutil.copyfile(shipped_vocab_path(), paths["vocab"])
    generator = torch.Generator().manual_seed(seed)
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        cfm = loading.build_cfm(
            load_model_spec(paths["model"]), loading.load_vocab(paths["vocab"])
        )
        randomise_zero_weights(cfm, generator)
        ema = {f"ema_model.{k}": v.contiguous() for k, v in cfm.state_dict().items()}
        save_file(ema, paths["safetensors"])
        if write_pt:
            torch.save(
                {
                    "ema_model_state_dict": {
                        "initted": torch.tensor(True),
                        "step": torch.tensor(0),
                        **ema,
                    }
                },
                paths["pt"],
            )

        from vocos import Vocos

        _write_yaml(
            os.path.join(paths["vocoder"], "config.yaml"), vocos_yaml(vocoder_dim, vocoder_layers)
        )
        vocoder = Vocos.from_hparams(os.path.join(paths["vocoder"], "config.yaml"))
        torch.save(vocoder.state_dict(), os.path.join(paths["vocoder"], "pytorch_model.bin"))

    write_wav(paths["voice"], synthetic_voice_wave(), TEST_VOICE_RATE)
    _write_yaml(
        paths["voices"],
        {"voices": [{"id": "test", "ref_audio": "voice.wav", "ref_text": TEST_VOICE_TEXT}]},
    )
    engine = {
        "model": paths["model"],
        "ckpt_file": paths["safetensors"],
        "vocab_file": paths["vocab"],
        "vocoder_dir": paths["vocoder"],
        "voices_file": paths["voices"],
        "device": "cpu",
        "dtype": "fp32",
        "seed": seed,
        "allow_download": False,
    }
    # config.yaml travels with its folder; a ROS params file needs absolute paths.
    relative = {
        k: os.path.relpath(v, out_dir) if k in PATH_FIELDS + ("model",) else v
        for k, v in engine.items()
    }
    _write_yaml(paths["config"], relative)
    _write_yaml(paths["params"], {"/**/tts_node": {"ros__parameters": engine}})
    return paths


def _write_yaml(path: str, data: dict) -> None:
    with open(path, "w", encoding="utf-8") as stream:
        yaml.safe_dump(data, stream, sort_keys=False)
