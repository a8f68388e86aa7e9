# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""What Triton's ``f5_tts`` model runs: a batch of requests in, one waveform each out.

Requests are read and checked (:mod:`.protocol`), their voices found (a voice id, or a
clip sent with the request, prepared once per clip), and the batch is synthesised by
:func:`ishowtts_ros.engine.batching.synthesize_batch`. PyTriton answers a batch as a
whole: a request that cannot be used fails its batch with an error naming the request's
place in it and the input.
"""

from __future__ import annotations

import collections
import hashlib
import json
import threading
import time
from typing import Dict, List, Optional

import numpy as np

from ishowtts_ros.engine.batching import SpeechJob, synthesize_batch
from ishowtts_ros.engine.errors import EngineError
from ishowtts_ros.serve.protocol import BadInput, Limits, SpeechRequest, read_request
from ishowtts_ros.speech.memory import release_free_memory

CLIP_VOICES = 16  # clips kept prepared: clients send theirs with every request
TRIM_PERIOD_S = 1.0  # freed memory goes back to the system at most this often (a few ms)


class SpeechModel:
    """The engine behind Triton: one batch at a time (the engine has one owner)."""

    def __init__(self, engine, limits: Optional[Limits] = None):
        self.engine = engine
        self.limits = limits or Limits()
        self._clip_voices: collections.OrderedDict = collections.OrderedDict()
        self._lock = threading.Lock()
        self._trimmed_at = time.monotonic()

    def infer(self, requests) -> List[Dict[str, np.ndarray]]:
        """Answer Triton's batch: ``{"waveform": [1, samples]}`` per request, in order."""
        with self._lock:
            jobs = [self._job(index, len(requests), req) for index, req in enumerate(requests)]
            results = synthesize_batch(self.engine, jobs)
            if time.monotonic() - self._trimmed_at >= TRIM_PERIOD_S:
                release_free_memory()  # batches of every length: glibc would keep it all
                self._trimmed_at = time.monotonic()
        for index, result in enumerate(results):
            if isinstance(result, Exception):
                raise BadInput(_where(index, len(requests), f"target_text: {result}"))
        return [{"waveform": wave.astype(np.float32)[None, :]} for wave in results]

    def voices(self, requests) -> List[Dict[str, np.ndarray]]:
        """Answer ``f5_tts_voices``: the server's voices as JSON, with what chunking needs."""
        listing = json.dumps(self.voice_listing()).encode("utf-8")
        return [{"voices": np.array([[listing]], dtype=np.bytes_)} for _ in requests]

    def voice_listing(self) -> dict:
        """List what a client needs to chunk texts as this engine would (see :mod:`.chunk_plan`).

        Voice ids with their reference text, length and speed; the default voice; the
        vocab (characters the model can say) and the context a chunk plus reference fits.
        """
        engine = self.engine
        return {
            "default": engine.default_voice,
            "sample_rate": engine.sample_rate,
            "hop_length": engine.hop_length,
            "context_s": engine.planner.context_seconds,
            "vocab": list(engine.vocab),
            "unusable": dict(engine.voice_errors),
            "voices": {
                voice_id: {
                    "ref_text": voice.spec.ref_text,
                    "seconds": voice.reference.source_seconds,
                    "speed": voice.spec.speed,
                }
                for voice_id, voice in engine.voices.items()
            },
        }

    def _job(self, index: int, count: int, request) -> SpeechJob:
        try:
            speech = read_request(dict(request.items()), self.limits)
            settings = self.engine.settings.replace(**speech.settings)
            return SpeechJob(speech.target_text, self._voice(speech), settings, speech.planned)
        except (BadInput, EngineError, ValueError, TypeError) as exc:
            raise BadInput(_where(index, count, str(exc))) from None

    def _voice(self, speech: SpeechRequest):
        if speech.reference_wav is None:
            try:
                return self.engine.get_voice(speech.voice or None)
            except EngineError as exc:
                raise BadInput(f"voice: {exc}") from None
        digest = hashlib.sha256(speech.reference_wav.tobytes())
        digest.update(speech.reference_text.encode("utf-8"))
        key = digest.hexdigest()
        voice = self._clip_voices.pop(key, None)
        if voice is None:
            voice = self.engine.voice_set.from_clip(speech.reference_wav, speech.reference_text)
        self._clip_voices[key] = voice
        while len(self._clip_voices) > CLIP_VOICES:
            self._clip_voices.popitem(last=False)
        return voice


def _where(index: int, count: int, message: str) -> str:
    return message if count == 1 else f"request {index + 1} of a batch of {count}: {message}"
