# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""What the model is asked for: a text's chunks in a voice, each with its tokens and length.

Chunks come from :mod:`.text_plan`; each chunk's length in frames follows upstream's
``infer_batch_process``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, ContextManager, Dict, List

from ishowtts_ros.engine.config import SynthesisSettings
from ishowtts_ros.engine.errors import TextError
from ishowtts_ros.engine.normalize import TextNormalizer
from ishowtts_ros.engine.text import model_ref_text
from ishowtts_ros.engine.text_plan import generated_frames, text_chunks

if TYPE_CHECKING:  # the plan itself is torch-free: a robot without torch plans its chunks
    from ishowtts_ros.engine.voices import Voice


@dataclass
class ChunkPlan:
    """What one model call generates: its text, token ids and length in frames."""

    text: str
    tokens: List[str]
    duration: int
    ref_frames: int


@dataclass
class Planner:
    """Chunks a text for a voice, then sizes each chunk.

    ``context_seconds`` bounds reference plus chunk (see
    :func:`.text_plan.clause_context_seconds`); ``phase`` times the two steps.
    """

    vocab: Dict[str, int] = field(repr=False)
    normalizer: TextNormalizer = field(repr=False)
    first_chunk_max_bytes: int
    context_seconds: float
    hop_length: int
    phase: Callable[[str], ContextManager] = field(repr=False)

    def chunks(
        self, text: str, voice: "Voice", settings: SynthesisSettings, continuing: bool = False
    ) -> List[str]:
        """Normalise and chunk ``text``; ``continuing``: no short first chunk."""
        with self.phase("normalise"):
            return text_chunks(
                text,
                self.vocab,
                self.normalizer,
                settings,
                voice.ref_text,
                voice.reference.source_seconds,
                settings.speed * voice.spec.speed,
                0 if continuing else self.first_chunk_max_bytes,
                self.context_seconds,
            )

    def plans(
        self, text: str, chunks: List[str], voice: "Voice", settings: SynthesisSettings
    ) -> List[ChunkPlan]:
        """Size each of ``text``'s chunks as upstream does; none is a :class:`TextError`."""
        with self.phase("plan"):
            from f5_tts.model.utils import convert_char_to_pinyin

            speed = settings.speed * voice.spec.speed
            ref_text = model_ref_text(voice.ref_text)
            ref_frames = len(voice.reference.samples) // self.hop_length
            mel_frames = voice.mel.shape[1]
            plans = []
            for chunk in chunks:
                tokens = convert_char_to_pinyin([ref_text + chunk])[0]
                duration = ref_frames + generated_frames(chunk, ref_text, ref_frames, speed)
                # CFM.sample's floor: at least the text and the reference, plus one frame.
                duration = max(max(len(tokens), mel_frames) + 1, duration)
                plans.append(ChunkPlan(chunk, tokens, duration, ref_frames))
        if not plans:
            raise TextError(f"nothing speakable in text {text!r}")
        return plans
