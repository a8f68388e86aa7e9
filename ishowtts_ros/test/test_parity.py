# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The engine says what upstream F5-TTS says, end to end.

Upstream runs its own pipeline on the same reference file, text and seed:
``preprocess_ref_audio_text`` -> ``infer_process`` (its chunk budget and ``chunk_text``)
-> ``infer_batch_process`` (pinyin conversion, duration rule, loudness, ``CFM.sample``,
Vocos, cross-fade), after ``torch.manual_seed(seed)`` as ``F5TTS.infer`` does. Two
things at its edges are held fixed, and only those: ``torchaudio.load`` needs FFmpeg's
libraries, so the preprocessed WAV is read with libsndfile the way torchaudio returns it;
and its chunks run one at a time (a one-worker pool) so that they draw noise from the
global generator in order, as its streaming path does.

The engine runs with its one deliberate difference switched off (the short first chunk);
the tests at the end, and test_parity_chunks.py, name the differences we keep.
"""

import logging
import os

import numpy as np
import pytest
import soundfile
import torch
import yaml

from ishowtts_ros.engine import Engine
from ishowtts_ros.engine.text import max_chunk_bytes

from upstream_runs import (
    EN_TEXT,
    ZH_TEXT,
    ENGLISH,
    CHINESE,
    MIXED,
    DIGITS,
    SHORT,
    SEED,
    EDGE_TEXTS,
    example_clip,
    upstream_models,
    upstream_speech,
    compare,
    upstream_budget,
)

# Max abs error on the joined waveform (peaks are ~0.1). On CUDA both run in fp16 (upstream's
# load_checkpoint picks it), and our vocoder stays in fp16 where upstream's runs in fp32.
TOLERANCE = {torch.float32: 1e-4, torch.float16: 1e-2}

# case: (voice, text)
CASES = {
    "english": ("en", ENGLISH),
    "chinese": ("zh", CHINESE),
    "mixed": ("zh", MIXED),
    "digits": ("en", DIGITS),
    "pause_1_5s": ("pause", SHORT),
    "reference_16s": ("long", SHORT),
    "quiet_reference": ("quiet", SHORT),
    "stereo_44k": ("stereo", SHORT),
}


@pytest.fixture(scope="module")
def voices(tmp_path_factory):
    """Write reference clips (PCM16 WAV) made from upstream's example voices, and a registry."""
    folder = tmp_path_factory.mktemp("parity_voices")
    en, zh = example_clip("en"), example_clip("zh")
    rate = 24000

    def silence(seconds):
        return np.zeros(int(seconds * rate), np.float32)

    half = len(en) // 2
    quiet = en * (0.01 / np.sqrt(np.mean(en**2)))
    en_44k = torch.from_numpy(en)[None]
    import torchaudio

    en_44k = torchaudio.functional.resample(en_44k, rate, 44100)[0].numpy()
    clips = {
        "en": (en, rate, EN_TEXT),
        "zh": (zh, rate, ZH_TEXT),
        "pause": (np.concatenate([en[:half], silence(1.5), en[half:]]), rate, EN_TEXT),
        "long": (
            np.concatenate([en, silence(1.2), zh, silence(1.2), en[: int(1.5 * rate)]]),
            rate,
            f"{EN_TEXT} {ZH_TEXT} Some call me",
        ),
        "quiet": (quiet, rate, EN_TEXT),
        "stereo": (np.stack([en_44k, 0.7 * en_44k], axis=1), 44100, EN_TEXT),
    }
    entries = []
    for voice_id, (samples, clip_rate, text) in clips.items():
        path = str(folder / f"{voice_id}.wav")
        soundfile.write(path, samples, clip_rate, subtype="PCM_16")
        entries.append({"id": voice_id, "ref_audio": path, "ref_text": text})
    assert 15.9 < len(clips["long"][0]) / rate < 16.1
    registry = folder / "voices.yaml"
    registry.write_text(yaml.safe_dump({"voices": entries}, allow_unicode=True))
    return {"file": str(registry), "entries": {e["id"]: e for e in entries}}


@pytest.fixture(scope="module", params=[7, 16], ids=lambda nfe: f"nfe{nfe}")
def engine_at(request, engine_config, voices):
    """Load the engine as upstream runs: its dtype, its chunks, digits read as digits.

    No short first chunk and no word normalisation: those are our deliberate differences.
    """
    config = engine_config.replace(
        voices_file=voices["file"],
        first_chunk_max_bytes=0,
        nfe_step=request.param,
        dtype="auto",
        normalize_text=False,
    )
    return Engine.load(config)


@pytest.fixture(scope="module")
def upstream(test_model, engine_config):
    return upstream_models(test_model, "DiT", engine_config.device)


@pytest.fixture(scope="module")
def preprocessed():
    """Upstream's preprocessing of each clip (it keeps the result in a temporary file)."""
    from f5_tts.infer import utils_infer

    done = {}

    def run(ref_audio, ref_text):
        if ref_audio not in done:
            done[ref_audio] = utils_infer.preprocess_ref_audio_text(
                ref_audio, ref_text, show_info=lambda *_: None
            )
        return done[ref_audio]

    yield run
    for path, _ in done.values():
        if os.path.exists(path):
            os.remove(path)


@pytest.mark.parametrize("case", list(CASES))
def test_speech_matches_upstream_end_to_end(
    case, engine_at, upstream, preprocessed, voices, monkeypatch
):
    voice_id, text = CASES[case]
    nfe_step = engine_at.config.nfe_step
    theirs = upstream_speech(
        monkeypatch, upstream, preprocessed, voices["entries"][voice_id], text, nfe_step
    )
    ours = engine_at.synthesize(text, voice_id, seed=SEED).samples
    error = compare(ours, theirs)
    chunks = len(engine_at.plan(text, voice_id))
    print(
        f"{case} NFE {nfe_step} {engine_at.dtype_name}: {chunks} chunks, max abs error {error:.3g}"
    )
    assert error <= TOLERANCE[engine_at.dtype]


def test_parity_cases_cover_several_chunks(engine_at):
    """Fresh noise per chunk and the cross-fade are only compared when there are chunks."""
    assert len(engine_at.plan(ENGLISH, "en")) >= 2
    assert len(engine_at.plan(CHINESE, "zh")) >= 2


def test_another_seed_gives_another_waveform(
    engine_at, upstream, preprocessed, voices, monkeypatch
):
    theirs = upstream_speech(
        monkeypatch, upstream, preprocessed, voices["entries"]["en"], SHORT, 7, seed=1
    )
    ours = engine_at.synthesize(SHORT, "en", seed=2).samples
    assert np.max(np.abs(ours - theirs)) > 1e-2


def test_e2tts_unet_backbone_matches_upstream_and_runs_eager_under_compile(
    tmp_path_factory, engine_config, voices, preprocessed, monkeypatch, caplog
):
    """E2TTS's UNetT is not covered by the padded compiled step: it runs eager, and right."""
    from ishowtts_ros.engine import EngineConfig
    from ishowtts_ros.engine.random_model import write_random_model

    paths = write_random_model(
        str(tmp_path_factory.mktemp("e2tts")), dim=64, depth=4, heads=2, backbone="UNetT"
    )
    config = EngineConfig.from_yaml(paths["config"]).replace(
        voices_file=voices["file"],
        first_chunk_max_bytes=0,
        normalize_text=False,
        compile="default",
        device=engine_config.device,
        dtype="auto",
    )
    with caplog.at_level(logging.INFO, logger="ishowtts_ros.engine.sampling"):
        engine = Engine.load(config)
    assert engine.runtime.sampler.compile_mode is None
    assert "runs eager" in caplog.text and "UNetT" in caplog.text
    theirs = upstream_speech(
        monkeypatch,
        upstream_models(paths, "UNetT", engine_config.device),
        preprocessed,
        voices["entries"]["en"],
        ENGLISH,
        7,
    )
    error = compare(engine.synthesize(ENGLISH, "en", seed=SEED).samples, theirs)
    print(f"E2TTS (UNetT) NFE 7 {engine.dtype_name}: max abs error {error:.3g}")
    assert error <= TOLERANCE[engine.dtype]


# The chunking and text differences, one by one, against upstream's own functions.


@pytest.mark.parametrize("voice_id", ["en", "zh", "pause", "long", "quiet", "stereo"])
def test_chunk_budget_and_reference_text_as_upstream(voice_id, engine_at, preprocessed, voices):
    budget, ref_text = upstream_budget(preprocessed, voices["entries"][voice_id])
    voice = engine_at.get_voice(voice_id)
    assert voice.ref_text == ref_text
    assert max_chunk_bytes(voice.ref_text, voice.reference.source_seconds, 1.0) == budget


def test_full_width_colon_and_semicolon_are_the_only_token_differences(engine_at):
    """Upstream sends the unknown token (id 0) for ：and ；, which the vocab lacks; we send ，."""
    from f5_tts.model.utils import convert_char_to_pinyin

    text = "注意：前方有人；请让开，谢谢！"
    voice = engine_at.get_voice("zh")
    [plan] = engine_at.plan(text, "zh")
    theirs = convert_char_to_pinyin([voice.ref_text + text])[0]
    ours = plan.tokens
    assert len(ours) == len(theirs)
    differ = [(a, b) for a, b in zip(ours, theirs, strict=True) if a != b]
    assert differ == [("，", "："), ("，", "；")]
    assert len(plan.text.encode()) == len(text.encode())  # same duration


@pytest.mark.parametrize("dtype", [torch.float32, torch.float16, torch.bfloat16])
def test_noise_of_successive_chunks_is_upstreams_stream_at_every_dtype(dtype):
    """Upstream's chunks draw randn in the model's dtype, in order, after manual_seed."""
    from ishowtts_ros.engine.sampling import initial_noise

    frames = (517, 260, 1033)
    generator = torch.Generator().manual_seed(SEED)
    ours = [initial_noise(n, 100, generator, dtype) for n in frames]
    torch.manual_seed(SEED)
    theirs = [torch.randn(n, 100, dtype=dtype)[None] for n in frames]
    assert all(torch.equal(a, b) for a, b in zip(ours, theirs, strict=True))
    assert not torch.equal(ours[0][:, :260], ours[1])  # fresh noise per chunk


@pytest.mark.parametrize("case", list(EDGE_TEXTS))
def test_chinese_edge_texts_are_chunked_at_punctuation_like_upstream(case, engine_at):
    from f5_tts.infer.utils_infer import chunk_text as upstream_chunk_text

    from ishowtts_ros.engine.text import fit_to_vocab

    text = fit_to_vocab(EDGE_TEXTS[case], engine_at.vocab)
    voice = engine_at.get_voice("zh")
    budget = max_chunk_bytes(voice.ref_text, voice.reference.source_seconds, 1.0)
    chunks = [plan.text for plan in engine_at.plan(EDGE_TEXTS[case], "zh")]
    assert chunks == upstream_chunk_text(text, budget)
    assert all(chunk[-1] in "，。！？" for chunk in chunks[:-1])


def test_words_for_numbers_are_a_deliberate_difference_for_digits_and_symbols_only(engine_at):
    """With normalisation on, text without digits or symbols chunks as upstream's."""
    words = engine_at.settings.replace(normalize_text=True)
    for text in (ENGLISH, CHINESE, MIXED):
        assert engine_at.plan(text, "en", words) == engine_at.plan(text, "en")
    with_digits = [plan.text for plan in engine_at.plan(DIGITS, "en", words)]
    assert "two hundred meters" in " ".join(with_digits) and "200" not in " ".join(with_digits)
