# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The phrase cache in front of synthesis: an utterance said before is said again at once.

:mod:`.phrase_cache` keeps the speech; this module names an utterance by everything that
changes its sound, replays or keeps it, and preloads a robot's usual phrases.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Callable, Iterable, Iterator, List, Optional

from ishowtts_ros import __version__ as ENGINE_VERSION
from ishowtts_ros.engine.config import SynthesisSettings
from ishowtts_ros.engine.errors import EngineError
from ishowtts_ros.engine.joining import AudioChunk
from ishowtts_ros.engine.phrase_cache import PhraseCache, phrase_key
from ishowtts_ros.engine.registry import read_phrases_file
from ishowtts_ros.engine.voices import Voice

LOG = logging.getLogger(__name__)


def utterance_key(engine, voice: Voice, chunks: List[str], settings: SynthesisSettings) -> str:
    """Everything that changes the sound of ``chunks`` said by ``engine``: a phrase cache key."""
    sound = dataclasses.asdict(settings)
    sound["seed"] = settings.seed if settings.seed >= 0 else "random"
    return phrase_key(
        {
            "engine": ENGINE_VERSION,
            "weights": engine.model_identity,
            "voice": [voice.reference.digest, voice.ref_text, voice.spec.speed],
            "chunks": chunks,
            "settings": sound,
            "runtime": [engine.device.type, engine.dtype_name, engine.runtime.compile_mode],
            "config": [engine.config.target_rms, engine.config.cross_fade_s],
        }
    )


def said_again(
    cache: PhraseCache, key: str, synthesis: Iterable[AudioChunk], sample_rate: int
) -> Iterator[AudioChunk]:
    """Yield the first rendition of ``key`` again, or ``synthesis``'s chunks, keeping them."""
    cached = cache.get(key)
    if cached is not None:
        chunks, rate = cached
        for index, (samples, text) in enumerate(chunks):
            is_last = index == len(chunks) - 1
            yield AudioChunk(samples, rate, text, index, is_last, from_cache=True)
        return
    kept = []
    for chunk in synthesis:  # not iterated on a hit: nothing is synthesised
        kept.append((chunk.samples, chunk.text))
        yield chunk
    cache.put(key, kept, sample_rate)


def preload(
    say: Callable[[str, Optional[str]], object], phrases: List[str], phrases_file: str = ""
) -> int:
    """Say ``phrases`` (default voice) and a YAML file's ``{voice: [phrase]}`` with ``say``.

    A phrase that fails is logged and skipped; returns how many were said.
    """
    wanted = [(None, phrase) for phrase in phrases]
    if phrases_file:
        wanted += read_phrases_file(phrases_file)
    said = 0
    for voice_id, phrase in wanted:
        try:
            say(phrase, voice_id)
            said += 1
        except EngineError as exc:
            LOG.warning("phrase %r not preloaded: %s", phrase, exc)
    if wanted:
        LOG.info("preloaded %d of %d phrases", said, len(wanted))
    return said
