# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""A robot's side of serving: its texts chunked as the engine would chunk them, without torch.

The server lists its voices (model ``f5_tts_voices``: reference text, prepared length,
speed); with the engine config's vocab and settings, the robot then cuts each text into
the chunks the engine itself would make (normalised, short first chunk), and sends one
request per chunk with ``planned`` true. So speech streams chunk by chunk from a server.
"""

from __future__ import annotations

from typing import List, Optional

from ishowtts_ros.engine.config import EngineConfig
from ishowtts_ros.engine.normalize import TextNormalizer
from ishowtts_ros.engine.text import prepare_ref_text, read_vocab, shipped_vocab_path
from ishowtts_ros.engine.text_plan import clause_context_seconds, text_chunks, words_for

HOP_LENGTH, SAMPLE_RATE = 256, 24_000  # F5-TTS's mel: the server's listing says the rate


class ChunkPlanner:
    """Chunks texts for the voices a server listed, as that server's engine would."""

    def __init__(self, config: EngineConfig, listing: dict):
        self.config = config
        self.settings = config.synthesis()
        self.listing = listing
        self.vocab = read_vocab(config.vocab_file or shipped_vocab_path())
        self.normalizer = TextNormalizer()
        self.context_s = clause_context_seconds(config.buckets, HOP_LENGTH, SAMPLE_RATE)

    def chunks(self, text: str, voice_id: Optional[str] = None, first: bool = True) -> List[str]:
        """Cut ``text`` into chunks; ``first`` False: it goes on an utterance (no short chunk)."""
        voice = self.listing["voices"][voice_id or self.listing["default"]]
        ref_text = prepare_ref_text(words_for(voice["ref_text"], self.normalizer, self.settings))
        return text_chunks(
            text,
            self.vocab,
            self.normalizer,
            self.settings,
            ref_text,
            voice["seconds"],
            self.settings.speed * voice["speed"],
            self.config.first_chunk_max_bytes if first else 0,
            self.context_s,
        )
