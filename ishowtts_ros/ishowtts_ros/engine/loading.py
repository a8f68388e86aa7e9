# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Load F5-TTS and Vocos through their own classes, from local files.

Paths left empty fall back to upstream's defaults: the checkpoint and the vocoder are
downloaded from the hub as ``f5_tts.api.F5TTS`` does, when downloads are allowed and
the hub answers. Anything missing ends in one :class:`MissingFileError` that names the
file and where to put it; a model is never left with random weights.
"""

from __future__ import annotations

import os
from typing import Dict

import torch

from ishowtts_ros.engine.errors import MissingFileError
from ishowtts_ros.engine.model_spec import ModelSpec
from ishowtts_ros.engine.text import read_vocab, shipped_vocab_path


# Upstream's hub locations (f5_tts/api.py and f5_tts/infer/utils_infer.py).
HUB_CHECKPOINTS = {
    "F5TTS_v1_Base": ("SWivid/F5-TTS", "F5TTS_v1_Base/model_1250000.safetensors"),
    "F5TTS_Base": ("SWivid/F5-TTS", "F5TTS_Base/model_1200000.safetensors"),
    "E2TTS_Base": ("SWivid/E2-TTS", "E2TTS_Base/model_1200000.safetensors"),
}
HUB_VOCODER = "charactr/vocos-mel-24khz"
MEL_KEYS = ("n_fft", "hop_length", "win_length", "n_mel_channels", "target_sample_rate")
VOCODER_FILES = ("config.yaml", "pytorch_model.bin")
# Buffers that older checkpoints carry and the current MelSpec no longer registers.
STALE_KEYS = (
    "initted",
    "step",
    "mel_spec.mel_stft.mel_scale.fb",
    "mel_spec.mel_stft.spectrogram.window",
)


def load_vocab(vocab_file: str) -> Dict[str, int]:
    """Read a vocab.txt (one token a line, space first); empty path = the one f5-tts ships."""
    path = vocab_file or shipped_vocab_path()
    if not os.path.isfile(path):
        raise MissingFileError(
            f"vocab file not found: {path} (use the vocab.txt that came with the checkpoint, "
            "or leave vocab_file empty for the one shipped with f5-tts)"
        )
    return read_vocab(path)


def resolve_checkpoint(model_name: str, ckpt_file: str, allow_download: bool) -> str:
    """Return a local checkpoint path, downloading upstream's default when allowed."""
    if ckpt_file:
        if not os.path.isfile(ckpt_file):
            raise MissingFileError(
                f"checkpoint file not found: {ckpt_file} "
                "(put the model's .safetensors or .pt there, "
                "or set ckpt_file to where it is)"
            )
        return ckpt_file
    hub = HUB_CHECKPOINTS.get(model_name)
    if hub is None or not allow_download:
        raise MissingFileError(
            f"no checkpoint given for model {model_name!r}: "
            "set ckpt_file to the model's .safetensors or .pt"
            + (f" (upstream: hf://{hub[0]}/{hub[1]})" if hub else "")
        )
    return _hub_download(hub[0], hub[1], what="checkpoint", setting="ckpt_file")


def resolve_vocoder_dir(vocoder_dir: str, allow_download: bool) -> tuple:
    """Return local paths of the vocoder's config.yaml and pytorch_model.bin."""
    if vocoder_dir:
        paths = tuple(os.path.join(vocoder_dir, name) for name in VOCODER_FILES)
        for path in paths:
            if not os.path.isfile(path):
                raise MissingFileError(
                    f"vocoder file not found: {path} "
                    f"(vocoder_dir must hold {' and '.join(VOCODER_FILES)} "
                    f"of {HUB_VOCODER})"
                )
        return paths
    if not allow_download:
        raise MissingFileError(
            "no vocoder_dir given: set it to a folder with "
            f"{' and '.join(VOCODER_FILES)} of {HUB_VOCODER}"
        )
    return tuple(
        _hub_download(HUB_VOCODER, name, what="vocoder", setting="vocoder_dir")
        for name in VOCODER_FILES
    )


def _hub_download(repo_id: str, filename: str, what: str, setting: str) -> str:
    from huggingface_hub import hf_hub_download

    try:
        return hf_hub_download(repo_id=repo_id, filename=filename)
    except Exception as exc:  # offline, no such file, no permission: all end the same way
        raise MissingFileError(
            f"{what} hf://{repo_id}/{filename} could not be downloaded ({type(exc).__name__}); "
            f"download it by hand and set {setting} to its local path"
        ) from exc


def build_cfm(spec: ModelSpec, vocab: Dict[str, int]) -> torch.nn.Module:
    """Construct upstream's CFM around the backbone the spec names (weights not loaded)."""
    import f5_tts.model as f5_model

    backbone = getattr(f5_model, spec.backbone, None)
    if backbone is None:
        raise ValueError(f"model {spec.name}: unknown backbone {spec.backbone!r}")
    mel = spec.mel
    transformer = backbone(**spec.arch, text_num_embeds=len(vocab), mel_dim=mel["n_mel_channels"])
    return f5_model.CFM(
        transformer=transformer,
        mel_spec_kwargs={**{key: mel[key] for key in MEL_KEYS}, "mel_spec_type": "vocos"},
        odeint_kwargs={"method": "euler"},
        vocab_char_map=vocab,
    )


def read_ema_state_dict(ckpt_file: str) -> Dict[str, torch.Tensor]:
    """EMA weights of a checkpoint, keys relative to the CFM (``transformer.…``)."""
    try:
        if ckpt_file.endswith(".safetensors"):
            from safetensors.torch import load_file

            raw = load_file(ckpt_file, device="cpu")
        else:
            raw = torch.load(ckpt_file, map_location="cpu", weights_only=True)
            if not isinstance(raw, dict) or "ema_model_state_dict" not in raw:
                raise ValueError("no 'ema_model_state_dict' in it")
            raw = raw["ema_model_state_dict"]
    except Exception as exc:
        raise MissingFileError(f"checkpoint file {ckpt_file} could not be read: {exc}") from exc
    state = {}
    for key, value in raw.items():
        key = key[len("ema_model.") :] if key.startswith("ema_model.") else key
        if key not in STALE_KEYS:
            state[key] = value
    return state


def load_weights(cfm: torch.nn.Module, ckpt_file: str) -> None:
    """Load EMA weights; a checkpoint of another architecture is an error, not a partial load."""
    state = read_ema_state_dict(ckpt_file)
    try:
        result = cfm.load_state_dict(state, strict=False)
        problems = (
            [f"{len(result.missing_keys)} missing keys (e.g. {result.missing_keys[:2]})"]
            if result.missing_keys
            else []
        )
        if result.unexpected_keys:
            problems.append(
                f"{len(result.unexpected_keys)} unexpected keys "
                f"(e.g. {result.unexpected_keys[:2]})"
            )
    except RuntimeError as exc:  # shape mismatches
        lines = [line.strip() for line in str(exc).splitlines() if "size mismatch" in line]
        problems = [f"{len(lines)} tensors of another shape (e.g. {lines[0] if lines else exc})"]
    if problems:
        raise MissingFileError(
            f"checkpoint file {ckpt_file} does not match the model config: {'; '.join(problems)}"
        )


def load_vocos(config_path: str, weights_path: str) -> torch.nn.Module:
    """Vocos from its hparams file and state dict, as upstream's ``load_vocoder`` builds it."""
    from vocos import Vocos

    try:
        vocoder = Vocos.from_hparams(config_path)
        state = torch.load(weights_path, map_location="cpu", weights_only=True)
        vocoder.load_state_dict(state)
    except Exception as exc:
        raise MissingFileError(
            f"vocoder in {os.path.dirname(config_path)} could not be loaded: {exc}"
        ) from exc
    return vocoder.eval()
