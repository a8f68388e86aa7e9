# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The engine computes what upstream F5-TTS computes: same weights, reference, text, seed."""

import numpy as np
import pytest
import torch

TEXT = "The quick brown fox jumps over the lazy dog"


@pytest.fixture(scope="module")
def upstream(test_model, engine_config):
    """Upstream's own loaders on the same files: CFM from load_model, Vocos from load_vocoder."""
    from f5_tts.infer.utils_infer import load_model, load_vocoder
    from f5_tts.model import DiT
    from omegaconf import OmegaConf

    arch = OmegaConf.load(test_model["model"]).model.arch
    model = load_model(
        DiT, arch, test_model["safetensors"], vocab_file=test_model["vocab"], device="cpu"
    )
    vocoder = load_vocoder("vocos", is_local=True, local_path=test_model["vocoder"], device="cpu")
    return model, vocoder


def upstream_wave(upstream, engine, text, nfe_step, seed):
    """Upstream's ``_infer_basic`` for one chunk, with ``CFM.sample(seed=...)``."""
    from f5_tts.model.utils import convert_char_to_pinyin

    model, vocoder = upstream
    voice = engine.get_voice(None)
    audio = torch.from_numpy(voice.reference.samples)[None, :]
    ref_text = voice.ref_text
    ref_audio_len = audio.shape[-1] // 256
    duration = ref_audio_len + int(
        ref_audio_len / len(ref_text.encode()) * len(text.encode()) / 1.0
    )
    with torch.inference_mode():
        generated, _ = model.sample(
            cond=audio,
            text=convert_char_to_pinyin([ref_text + text]),
            duration=duration,
            steps=nfe_step,
            cfg_strength=2.0,
            sway_sampling_coef=-1.0,
            seed=seed,
        )
        wave = vocoder.decode(generated[:, ref_audio_len:, :].float().permute(0, 2, 1))
    rms = voice.reference.source_rms
    if rms < 0.1:
        wave = wave * rms / 0.1
    return wave.squeeze().numpy()


@pytest.mark.parametrize("nfe_step", [7, 16, 32])
def test_waveform_matches_upstream(upstream, engine, nfe_step):
    engine.config.nfe_step = nfe_step
    try:
        ours = engine.synthesize(TEXT, seed=1234).samples
    finally:
        engine.config.nfe_step = 7
    theirs = upstream_wave(upstream, engine, TEXT, nfe_step, seed=1234)
    assert ours.shape == theirs.shape
    error = float(np.max(np.abs(ours - theirs)))
    print(
        f"NFE {nfe_step}: max abs error {error:.3g} over {len(ours)} samples, "
        f"peak {np.max(np.abs(theirs)):.3g}"
    )
    assert error <= 1e-4
    assert np.max(np.abs(theirs)) > 1e-3, (
        "upstream output is silent: the comparison would prove nothing"
    )


def test_another_seed_gives_another_waveform(upstream, engine):
    ours = engine.synthesize(TEXT, seed=1).samples
    theirs = upstream_wave(upstream, engine, TEXT, 7, seed=2)
    assert np.max(np.abs(ours - theirs)) > 1e-2
