# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""A server's batch: each request in it gives what the same request gives alone."""

import numpy as np

from ishowtts_ros.engine import TextError, batching
from ishowtts_ros.engine.batching import SpeechJob, synthesize_batch

TEXTS = ["Turn left at the door.", "The lift is on the right.", "Wait here please.", "Go on."]
PARAGRAPH = (
    "Good morning, everyone. The robot will now describe the room in some detail. "
    "After that it will wait for the next instruction from the operator."
)


def clip_voice(engine):
    """Make a second voice: another clip (the registry's, reversed) with its own text."""
    samples = engine.get_voice(None).reference.samples[::-1].copy() * 0.5
    return engine.voice_set.from_clip(samples, "Another voice reads this line aloud.")


def batch_sizes(monkeypatch) -> list:
    """Return a list that gets the size of each batch sampled (the real sampling runs)."""
    sizes, sample_batch = [], batching.sample_batch

    def counted(transformer, items, *rest):
        sizes.append(len(items))
        return sample_batch(transformer, items, *rest)

    monkeypatch.setattr(batching, "sample_batch", counted)
    return sizes


def alone(engine, job: SpeechJob) -> np.ndarray:
    return engine.synthesize(
        job.text, job.voice, settings=job.settings, use_phrase_cache=False
    ).samples


def test_four_requests_of_one_bucket_run_as_one_batch_and_each_equals_itself_alone(
    engine, monkeypatch
):
    voices = [engine.get_voice(None), clip_voice(engine)]
    settings = engine.settings
    jobs = [
        SpeechJob(text, voices[i % 2], settings.replace(seed=11 + i, cfg_strength=1.5 + i))
        for i, text in enumerate(TEXTS)
    ]
    batches = batch_sizes(monkeypatch)
    results = synthesize_batch(engine, jobs)
    assert batches == [4]
    for job, result in zip(jobs, results, strict=True):
        expected = alone(engine, job)
        assert result.shape == expected.shape
        assert float(np.max(np.abs(result - expected))) <= 1e-4, job.text
    # Each its own noise: the same text and voice with another seed sounds different.
    other = synthesize_batch(engine, [SpeechJob(TEXTS[0], voices[0], settings.replace(seed=99))])
    assert not np.allclose(other[0], results[0][: len(other[0])], atol=1e-3)


def test_a_long_text_runs_alone_and_a_bad_one_fails_alone(engine):
    voice = engine.get_voice(None)
    settings = engine.settings.replace(seed=5)
    jobs = [
        SpeechJob(PARAGRAPH, voice, settings),
        SpeechJob("...", voice, settings),
        SpeechJob(TEXTS[0], voice, settings),
    ]
    long, bad, short = synthesize_batch(engine, jobs)
    assert isinstance(bad, TextError) and "nothing speakable" in str(bad)
    assert np.allclose(long, alone(engine, jobs[0]), atol=1e-4)
    assert np.allclose(short, alone(engine, jobs[2]), atol=1e-4)


def test_requests_of_other_timesteps_or_lengths_form_batches_of_their_own(engine, monkeypatch):
    voice = engine.get_voice(None)
    settings = engine.settings
    jobs = [
        SpeechJob(TEXTS[0], voice, settings.replace(seed=1, nfe_step=7)),
        SpeechJob(TEXTS[1], voice, settings.replace(seed=2, nfe_step=16)),
        SpeechJob(TEXTS[2], voice, settings.replace(seed=3, nfe_step=7)),
        SpeechJob(TEXTS[1], voice, settings.replace(seed=4, nfe_step=7, speed=0.3)),  # longer
    ]
    plans = [engine.plan(job.text, voice, job.settings)[0].duration for job in jobs]
    bucket = [min(b for b in engine.config.buckets if b >= frames) for frames in plans]
    assert bucket[0] == bucket[2] != bucket[3]
    batches = batch_sizes(monkeypatch)
    results = synthesize_batch(engine, jobs)
    assert batches == [2]  # the two of NFE 7 and one length; the others alone
    for job, result in zip(jobs, results, strict=True):
        assert np.allclose(result, alone(engine, job), atol=1e-4)
