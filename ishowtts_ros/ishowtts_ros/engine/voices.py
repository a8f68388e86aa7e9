# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The voices an engine speaks in: registry entries with their references prepared.

Shapes: a voice's mel is ``[1, n, d]`` (frames, 100 bins).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Union

import numpy as np
import torch

from ishowtts_ros.engine.errors import EngineError, UnknownVoice, VoiceError
from ishowtts_ros.engine.reference import Reference, ReferenceCache
from ishowtts_ros.engine.text import prepare_ref_text
from ishowtts_ros.engine.registry import VoiceSpec

LOG = logging.getLogger(__name__)


@dataclass
class Voice:
    """A registered voice with its reference prepared for the model."""

    spec: VoiceSpec
    ref_text: str
    reference: Reference
    mel: torch.Tensor = field(repr=False)


class VoiceSet:
    """Usable voices by id, and why the others are not; replaced all at once.

    ``mel_of`` turns a reference's samples into the model's mel; ``words_of`` reads a
    text as the texts to speak are read (numbers as words, when those are).
    """

    def __init__(
        self,
        references: ReferenceCache,
        mel_of: Callable[[np.ndarray], torch.Tensor],
        words_of: Callable[[str], str],
    ):
        self.references = references
        self._mel_of = mel_of
        self._words_of = words_of
        self.voices: Dict[str, Voice] = {}
        self.errors: Dict[str, str] = {}

    @property
    def default(self) -> Optional[str]:
        """The first usable voice of the registry."""
        return next(iter(self.voices), None)

    def set(self, specs: List[VoiceSpec]) -> None:
        """Make ``specs`` the voices, all at once; a voice that fails is in ``errors``.

        A clip is prepared once per file content: a voice whose clip did not change costs
        nothing, one whose clip changed is prepared again.
        """
        voices: Dict[str, Voice] = {}
        errors: Dict[str, str] = {}
        for spec in specs:
            try:
                voices[spec.id] = self._prepare(spec)
            except (EngineError, OSError, ValueError) as exc:
                errors[spec.id] = str(exc)
                LOG.error("voice %r unusable: %s", spec.id, exc)
                LOG.debug("traceback", exc_info=True)
        self.voices, self.errors = voices, errors  # texts see the old or the new set

    def get(self, voice_id: Union[str, Voice, None]) -> Voice:
        """Look a voice up; ``None`` means the default voice, a :class:`Voice` is itself."""
        if isinstance(voice_id, Voice):
            return voice_id
        voice_id = voice_id or self.default
        if voice_id is None:
            problems = "; ".join(f"{k}: {v}" for k, v in self.errors.items())
            raise VoiceError(f"no usable voice ({problems or 'the registry is empty'})")
        if voice_id in self.voices:
            return self.voices[voice_id]
        if voice_id in self.errors:
            raise VoiceError(f"voice {voice_id!r} is unusable: {self.errors[voice_id]}")
        raise UnknownVoice(
            f"unknown voice {voice_id!r} (known: {', '.join(self.voices) or 'none'})"
        )

    def from_clip(self, samples: np.ndarray, ref_text: str) -> Voice:
        """Make a voice of a clip sent as samples at the model's rate (a server's request).

        Prepared as upstream's Triton model prepares its ``reference_wav``: raised to the
        target loudness when quieter, nothing cut.
        """
        rate, target_rms = self.references.params[:2]
        samples = np.asarray(samples, dtype=np.float32)
        source_rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
        if source_rms < target_rms:
            samples = samples * np.float32(target_rms / max(source_rms, 1e-9))
        reference = Reference(samples, rate, source_rms, len(samples) / rate)
        spec = VoiceSpec("", "", ref_text)
        ref_text = prepare_ref_text(self._words_of(ref_text))
        return Voice(spec, ref_text, reference, self._mel_of(reference.samples))

    def _prepare(self, spec: VoiceSpec) -> Voice:
        reference = self.references.get(spec.ref_audio)
        # The reference text reads as the texts it is spoken with do.
        ref_text = prepare_ref_text(self._words_of(spec.ref_text))
        return Voice(spec, ref_text, reference, self._mel_of(reference.samples))
