# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The robot's own voices, sent as clips with each request: for a server that lists none.

Upstream's Triton deployment (TensorRT-LLM) takes a reference clip and its text with every
request, and has no voice listing; a robot may also keep a voice of its own that the
server does not have (``send_voice_clips``). The robot then reads its voices file as the
engine would, without torch: each clip mono at 24 kHz (as upstream's clients send it),
cut to ``max_ref_seconds``; its text as the model reads it.
"""

from __future__ import annotations

import numpy as np

from ishowtts_ros.audio.playback import resample
from ishowtts_ros.engine.config import EngineConfig
from ishowtts_ros.engine.errors import VoiceError
from ishowtts_ros.engine.normalize import TextNormalizer
from ishowtts_ros.engine.registry import load_voice_registry
from ishowtts_ros.engine.text import model_ref_text, prepare_ref_text, read_vocab
from ishowtts_ros.engine.text_plan import clause_context_seconds, words_for
from ishowtts_ros.serve.chunk_plan import HOP_LENGTH, SAMPLE_RATE


def robot_listing(config: EngineConfig) -> dict:
    """List the robot's voices as a server would (see :mod:`.chunk_plan`), with their clips.

    Raise OSError or ValueError naming what is missing (the vocab, a voices file).
    """
    import soundfile

    if not config.vocab_file:
        raise ValueError("vocab_file: the model's vocab.txt is needed to plan for this server")
    settings = config.synthesis()
    normalizer = TextNormalizer()
    voices, clips, unusable = {}, {}, {}
    for spec in load_voice_registry(config.voices_file):
        try:
            samples, rate = soundfile.read(spec.ref_audio, dtype="float32", always_2d=True)
        except (OSError, RuntimeError) as exc:  # soundfile raises LibsndfileError (a RuntimeError)
            unusable[spec.id] = f"{spec.ref_audio}: {exc}"
            continue
        clip = resample(samples.mean(axis=1), rate, SAMPLE_RATE)
        clip = np.ascontiguousarray(clip[: int(config.max_ref_seconds * SAMPLE_RATE)])
        ref_text = prepare_ref_text(words_for(spec.ref_text, normalizer, settings))
        voices[spec.id] = {
            "ref_text": ref_text,
            "seconds": len(clip) / SAMPLE_RATE,
            "speed": spec.speed,
        }
        clips[spec.id] = (clip, model_ref_text(ref_text))
    if not voices:
        raise VoiceError(
            f"no usable voice in {config.voices_file or 'the example voice'}: {unusable}"
        )
    return {
        "default": next(iter(voices)),
        "sample_rate": SAMPLE_RATE,
        "hop_length": HOP_LENGTH,
        "context_s": clause_context_seconds(config.buckets, HOP_LENGTH, SAMPLE_RATE),
        "vocab": list(read_vocab(config.vocab_file)),
        "unusable": unusable,
        "voices": voices,
        "clips": clips,
    }
