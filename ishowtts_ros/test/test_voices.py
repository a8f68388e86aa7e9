# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Voice registry and reference preprocessing on real sound files."""

import numpy as np
import pytest
import soundfile

from ishowtts_ros.engine import Engine, MissingFileError, VoiceError
from ishowtts_ros.engine.random_model import synthetic_voice_wave
from ishowtts_ros.engine.reference import ReferenceCache, preprocess_reference
from ishowtts_ros.engine.registry import load_voice_registry


def write(path, wave, rate, channels=1):
    data = np.stack([wave] * channels, axis=1) if channels > 1 else wave
    soundfile.write(str(path), data, rate)
    return str(path)


def test_preprocessing_trims_normalises_and_resamples(tmp_path):
    wave = (
        synthetic_voice_wave(seconds=2.0, edge_silence=0.5, rate=16000) * 0.2
    )  # quiet, 16 kHz, stereo
    reference = preprocess_reference(
        write(tmp_path / "v.wav", wave, 16000, channels=2), 24000, 0.1, 12.0
    )
    assert reference.sample_rate == 24000
    # syllables sound until 1.75 s of the 2 s; 0.05 s of silence is appended;
    # the 0.5 s edges are gone
    assert 1.75 < reference.seconds < 1.85
    assert np.sqrt(np.mean(reference.samples**2)) == pytest.approx(0.1, rel=0.02)
    assert reference.source_rms < 0.1


def test_long_reference_is_clipped_at_a_pause(tmp_path):
    rate = 24000
    phrase = synthetic_voice_wave(seconds=3.0, edge_silence=0.3, rate=rate)  # 3.6 s with pauses
    wave = np.concatenate([phrase] * 5)  # 18 s
    reference = preprocess_reference(write(tmp_path / "long.wav", wave, rate), rate, 0.1, 12.0)
    assert reference.seconds <= 12.0
    assert reference.seconds > 6.0


@pytest.mark.parametrize(
    "make,message",
    [
        (lambda p: write(p, np.zeros(48000, dtype=np.float32), 24000), "silent"),
        (lambda p: write(p, synthetic_voice_wave(seconds=0.1, rate=24000), 24000), "at least"),
        (lambda p: (p.write_bytes(b"RIFF....garbage"), str(p))[1], "not a readable sound file"),
    ],
)
def test_unusable_reference_is_named(tmp_path, make, message):
    path = make(tmp_path / "bad.wav")
    with pytest.raises(VoiceError, match=message) as error:
        preprocess_reference(path, 24000, 0.1, 12.0)
    assert path in str(error.value)


def test_cache_is_keyed_by_content_not_path_or_object(tmp_path):
    wave = synthetic_voice_wave(rate=24000)
    first = write(tmp_path / "a.wav", wave, 24000)
    copy = write(tmp_path / "b.wav", wave, 24000)
    cache = ReferenceCache(24000, 0.1, 12.0)
    assert cache.get(first) is cache.get(copy)
    assert len(cache) == 1
    write(tmp_path / "a.wav", wave * 0.5, 24000)  # same path, new content
    assert cache.get(first) is not cache.get(copy)
    assert len(cache) == 2


def test_registry_resolves_relative_paths_and_validates(tmp_path):
    path = tmp_path / "voices.yaml"
    path.write_text(
        "voices:\n  - {id: alice, ref_audio: clips/a.wav, ref_text: Hello there., speed: 1.2}\n"
    )
    [voice] = load_voice_registry(str(path))
    assert voice.ref_audio == str(tmp_path / "clips" / "a.wav") and voice.speed == 1.2
    path.write_text("voices:\n  - {id: alice, ref_audio: a.wav, ref_text: ''}\n")
    with pytest.raises(ValueError, match="ref_text"):
        load_voice_registry(str(path))
    path.write_text("voices:\n  - {id: 'bad id', ref_audio: a.wav, ref_text: Hi.}\n")
    with pytest.raises(ValueError, match="'bad id'"):
        load_voice_registry(str(path))


def test_broken_voice_does_not_break_the_others(engine_config, test_model, tmp_path):
    voices = tmp_path / "voices.yaml"
    silent = write(tmp_path / "s.wav", np.zeros(24000, np.float32), 24000)
    voices.write_text(
        "voices:\n"
        f"  - {{id: good, ref_audio: {test_model['voice']}, ref_text: A small test voice.}}\n"
        f"  - {{id: missing, ref_audio: {tmp_path / 'gone.wav'}, ref_text: Gone.}}\n"
        f"  - {{id: silent, ref_audio: {silent}, "
        "ref_text: Nothing.}\n"
    )
    engine = Engine.load(engine_config.replace(voices_file=str(voices)))
    assert list(engine.voices) == ["good"]
    assert str(tmp_path / "gone.wav") in engine.voice_errors["missing"]
    with pytest.raises(VoiceError, match="gone.wav"):
        engine.synthesize("Hello.", "missing")
    with pytest.raises(VoiceError, match="silent"):
        engine.synthesize("Hello.", "silent")
    assert engine.synthesize("Still speaking.", "good").seconds > 0


def test_missing_reference_raises_missing_file(tmp_path):
    with pytest.raises(MissingFileError, match="nope.wav"):
        ReferenceCache(24000, 0.1, 12.0).get(str(tmp_path / "nope.wav"))


def test_shipped_example_registry_loads_the_f5_example_voice():
    import os

    [voice] = load_voice_registry(
        os.path.join(os.path.dirname(__file__), "..", "config", "voices.yaml")
    )
    assert voice.id == "default" and os.path.isfile(voice.ref_audio)
    reference = preprocess_reference(voice.ref_audio, 24000, 0.1, 12.0)
    assert 3.0 < reference.seconds < 6.0
