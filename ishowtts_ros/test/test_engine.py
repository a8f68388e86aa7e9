# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Synthesis behaviour on the small random model: streaming, lengths, seeds, errors."""

import threading

import numpy as np
import torch
import pytest

from ishowtts_ros.engine import SynthesisCancelled, TextError, VoiceError

PARAGRAPH = (
    "Good morning, everyone. The robot will now describe the room in some detail. "
    "After that it will wait for the next instruction from the operator."
)


def test_stream_joined_equals_synthesize(engine):
    chunks = list(engine.synthesize_stream(PARAGRAPH, seed=3))
    assert len(chunks) >= 2 and chunks[-1].is_last and not chunks[0].is_last
    assert [c.index for c in chunks] == list(range(len(chunks)))
    joined = np.concatenate([c.samples for c in chunks])
    assert np.array_equal(joined, engine.synthesize(PARAGRAPH, seed=3).samples)


def test_first_chunk_is_short(engine):
    plans = engine.plan(PARAGRAPH)
    assert plans[0].text == "Good morning, everyone."
    assert len(plans[0].text.encode()) <= engine.config.first_chunk_max_bytes


def test_length_follows_upstreams_duration_rule_and_cross_fade(engine):
    """Frames per chunk from upstream's rule, computed here from the reference alone."""
    voice = engine.get_voice(None)
    ref_text = voice.ref_text + " "  # infer_batch_process's extra space
    ref_frames = len(voice.reference.samples) // 256
    fade = int(0.15 * 24000)
    # 7 and 10 bytes: either side of upstream's slow-speech bound (under 10 bytes)
    for text in ("Hi.", "Go now.", "Stop here.", "A short sentence.", PARAGRAPH):
        chunks = [plan.text for plan in engine.plan(text)]
        lengths = []
        for chunk in chunks:
            size = len(chunk.encode())
            speed = 0.3 if size < 10 else 1.0
            lengths.append(int(ref_frames / len(ref_text.encode()) * size / speed) * 256)
        expected = sum(lengths) - fade * (len(lengths) - 1)
        audio = engine.synthesize(text, seed=1)
        assert len(audio.samples) == expected, (text, chunks)
        assert audio.seconds == pytest.approx(engine.estimate_seconds(text), abs=1e-9)


def test_reference_plus_chunk_fits_the_largest_configured_bucket(engine, engine_config):
    """A run-on clause is cut so that no chunk outgrows the largest bucket, whatever it is."""
    from ishowtts_ros.engine import Engine

    run_on = " ".join(["robots walk to the kitchen and carry cups of tea"] * 8) + "."
    small = Engine.load(engine_config.replace(buckets=[512, 768]))
    assert small.planner.context_seconds < engine.planner.context_seconds
    assert max(plan.duration for plan in engine.plan(run_on)) > 768
    plans = small.plan(run_on)
    assert max(plan.duration for plan in plans) <= 768
    assert " ".join(p.text for p in plans) == " ".join(p.text for p in engine.plan(run_on))
    unbucketed = Engine.load(engine_config.replace(buckets=[]))  # the default buckets' bound
    assert unbucketed.planner.context_seconds == engine.planner.context_seconds


def test_seed_reproduces_and_varies(engine):
    text = "Reproducible speech."
    first, again, other = (engine.synthesize(text, seed=s).samples for s in (7, 7, 8))
    assert np.array_equal(first, again)
    assert not np.allclose(first, other)


def test_cancel_before_the_first_step_stops_at_once(engine):
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(SynthesisCancelled):
        next(engine.synthesize_stream(PARAGRAPH, cancel=cancel))


def test_cancel_in_the_middle_of_sampling_stops_at_the_next_step(engine):
    """Cancelled from another thread's point of view: during the third of 32 model calls."""
    cancel = threading.Event()
    calls = []

    def count_and_cancel(module, args, output):
        calls.append(1)
        if len(calls) == 3:
            cancel.set()

    hook = engine.cfm.transformer.register_forward_hook(count_and_cancel)
    try:
        with pytest.raises(SynthesisCancelled):
            list(
                engine.synthesize_stream(
                    PARAGRAPH, settings=with_(engine, nfe_step=32), cancel=cancel
                )
            )
    finally:
        hook.remove()
    assert len(calls) == 3  # not one step more


def with_(engine, **changes):
    return engine.settings.replace(**changes)


@pytest.mark.parametrize("text", ["", "   ", "🤖", "...!?"])
def test_unspeakable_text_is_a_clear_error(engine, text):
    with pytest.raises(TextError):
        engine.synthesize(text)


def test_unknown_voice_lists_known_ones(engine):
    with pytest.raises(VoiceError, match="'nobody'.*test"):
        engine.synthesize("Hello.", "nobody")


def test_speed_shortens_speech(engine):
    normal = engine.synthesize(PARAGRAPH, seed=1).seconds
    fast = engine.synthesize(PARAGRAPH, settings=with_(engine, speed=2.0), seed=1).seconds
    assert fast < 0.7 * normal
    assert engine.settings.speed == 1.0  # a call's settings stay with the call


def test_warm_up_prepares_what_first_texts_touch_in_both_languages_and_every_voice(
    engine_config, test_model, tmp_path
):
    """Grammars load on first use: without the warm-up, the first text with a digit waits."""
    from ishowtts_ros.audio.wav import read_wav, write_wav
    from ishowtts_ros.engine import Engine
    from ishowtts_ros.engine.random_model import TEST_VOICE_TEXT

    samples, rate = read_wav(test_model["voice"])
    write_wav(str(tmp_path / "short.wav"), samples[: len(samples) * 3 // 4], rate)
    voices = tmp_path / "voices.yaml"
    voices.write_text(
        "voices:\n"
        f"  - {{id: first, ref_audio: {test_model['voice']}, ref_text: {TEST_VOICE_TEXT}}}\n"
        "  - {id: second, ref_audio: short.wav, ref_text: This is a small test voice.}\n"
    )
    engine = Engine.load(engine_config.replace(voices_file=str(voices)))
    references = []  # the reference mels the model was conditioned on
    hook = engine.cfm.transformer.register_forward_pre_hook(
        lambda module, args, kwargs: references.append(kwargs["cond"]), with_kwargs=True
    )
    assert engine.normalizer.languages_loaded == ()
    try:
        engine.warm_up()
    finally:
        hook.remove()
    assert engine.normalizer.languages_loaded == ("en", "zh")
    assert len(engine.voices) == 2
    for voice in engine.voices.values():  # one synthesis per voice, on its own reference
        frames = voice.mel.shape[1]
        assert any(torch.equal(cond[0, :frames], voice.mel[0]) for cond in references), voice
