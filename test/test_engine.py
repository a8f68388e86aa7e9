# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Synthesis behaviour on the small random model: streaming, lengths, seeds, errors."""

import threading

import numpy as np
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


def test_length_matches_estimate(engine):
    for text in ("Hi.", "A short sentence.", PARAGRAPH):
        assert engine.synthesize(text, seed=1).seconds == pytest.approx(
            engine.estimate_seconds(text), abs=1e-9
        )


def test_seed_reproduces_and_varies(engine):
    text = "Reproducible speech."
    first, again, other = (engine.synthesize(text, seed=s).samples for s in (7, 7, 8))
    assert np.array_equal(first, again)
    assert not np.allclose(first, other)


def test_pcm16_is_little_endian_int16(engine):
    chunk = engine.synthesize("Bytes.", seed=1)
    pcm = np.frombuffer(chunk.pcm16, dtype="<i2")
    assert len(pcm) == len(chunk.samples)
    assert np.allclose(pcm / 32767.0, np.clip(chunk.samples, -1, 1), atol=1 / 32767)


def test_cancel_stops_between_steps(engine):
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(SynthesisCancelled):
        next(engine.synthesize_stream(PARAGRAPH, cancel=cancel))


@pytest.mark.parametrize("text", ["", "   ", "🤖", "...!?"])
def test_unspeakable_text_is_a_clear_error(engine, text):
    with pytest.raises(TextError):
        engine.synthesize(text)


def test_unknown_voice_lists_known_ones(engine):
    with pytest.raises(VoiceError, match="'nobody'.*test"):
        engine.synthesize("Hello.", "nobody")


def test_speed_shortens_speech(engine):
    normal = engine.estimate_seconds(PARAGRAPH)
    engine.config.speed = 2.0
    try:
        fast = engine.estimate_seconds(PARAGRAPH)
    finally:
        engine.config.speed = 1.0
    assert fast < 0.7 * normal
