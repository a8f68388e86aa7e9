# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""A robot's side of serving: its texts chunked as the engine would chunk them, without torch.

The server lists its voices (model ``f5_tts_voices``: reference text, prepared length,
speed), its vocab and the context a chunk fits in; with the robot's own settings
(normalising, speed, the short first chunk), the robot then cuts each text into the
chunks the engine itself would make, and sends one request per chunk with ``planned``
true. So speech streams chunk by chunk from a server.
"""

from __future__ import annotations

from typing import List, Optional

from ishowtts_ros.engine.config import EngineConfig, SynthesisSettings
from ishowtts_ros.engine.errors import TextError, UnknownVoice
from ishowtts_ros.engine.normalize import TextNormalizer
from ishowtts_ros.engine.planning import ChunkPlan
from ishowtts_ros.engine.text import (
    model_ref_text,
    prepare_ref_text,
    read_vocab,
    shipped_vocab_path,
)
from ishowtts_ros.engine.text_plan import (
    clause_context_seconds,
    generated_frames,
    text_chunks,
    words_for,
)

HOP_LENGTH, SAMPLE_RATE = 256, 24_000  # F5-TTS's mel, for a listing that leaves them out


class ChunkPlanner:
    """Chunks texts for the voices a server listed, as that server's engine would."""

    def __init__(self, config: EngineConfig, listing: dict):
        self.config = config
        self.settings = config.synthesis()
        self.listing = listing
        self.sample_rate = int(listing.get("sample_rate", SAMPLE_RATE))
        self.hop_length = int(listing.get("hop_length", HOP_LENGTH))
        vocab = listing.get("vocab")
        self.vocab = (
            {token: index for index, token in enumerate(vocab)}
            if vocab
            else read_vocab(config.vocab_file or shipped_vocab_path())
        )
        self.normalizer = TextNormalizer()
        self.context_s = float(
            listing.get("context_s")
            or clause_context_seconds(config.buckets, self.hop_length, self.sample_rate)
        )

    @property
    def voices(self) -> dict:
        return self.listing["voices"]

    def voice(self, voice_id: Optional[str]) -> dict:
        """Return the listed voice ``voice_id`` (None or "": the server's default voice)."""
        voice_id = voice_id or self.listing["default"]
        if voice_id not in self.voices:
            known = ", ".join(self.voices) or "none"
            raise UnknownVoice(f"unknown voice {voice_id!r} (the server has: {known})")
        return self.voices[voice_id]

    def _ref_text(self, voice: dict, settings: SynthesisSettings) -> str:
        return prepare_ref_text(words_for(voice["ref_text"], self.normalizer, settings))

    def chunks(
        self,
        text: str,
        voice_id: Optional[str] = None,
        first: bool = True,
        settings: Optional[SynthesisSettings] = None,
    ) -> List[str]:
        """Cut ``text`` into chunks; ``first`` False: it goes on an utterance (no short chunk)."""
        settings = settings or self.settings
        voice = self.voice(voice_id)
        return text_chunks(
            text,
            self.vocab,
            self.normalizer,
            settings,
            self._ref_text(voice, settings),
            voice["seconds"],
            settings.speed * voice["speed"],
            self.config.first_chunk_max_bytes if first else 0,
            self.context_s,
        )

    def plans(
        self,
        text: str,
        voice_id: Optional[str] = None,
        first: bool = True,
        settings: Optional[SynthesisSettings] = None,
    ) -> List[ChunkPlan]:
        """``text``'s chunks, each with its length as the server's engine will make it.

        No tokens: the client does not read the text as the model does.
        """
        settings = settings or self.settings
        voice = self.voice(voice_id)
        ref_text = model_ref_text(self._ref_text(voice, settings))
        ref_frames = int(voice["seconds"] * self.sample_rate) // self.hop_length
        speed = settings.speed * voice["speed"]
        plans = []
        for chunk in self.chunks(text, voice_id, first, settings):
            frames = ref_frames + generated_frames(chunk, ref_text, ref_frames, speed)
            plans.append(ChunkPlan(chunk, [], frames, ref_frames))
        if not plans:
            raise TextError(f"nothing speakable in text {text!r}")
        return plans
