# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The speaking service's own settings, and the table of every ``tts_node`` parameter.

Defaults live in the dataclasses (engine: :class:`EngineConfig`, service:
:class:`SpeechSettings`); the node only maps ROS parameters onto them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, List, NamedTuple, Optional, Tuple

from ishowtts_ros.engine.config import EngineConfig
from ishowtts_ros.speech.queue import POLICIES


@dataclass
class SpeechSettings:
    """Settings of the speaking service around the engine."""

    voice: str = ""
    """Voice for tts/text ("" = the first of the registry)."""
    volume: float = 1.0
    queue_policy: str = "queue"
    max_queue: int = 32
    play_audio: bool = True
    audio_device: str = ""
    publish_audio: bool = True
    publish_lead_s: float = 0.2
    """Without local playback, tts/audio chunks go out this long before they start."""
    text_topics: List[str] = field(default_factory=list)
    max_chars: int = 2000
    rtf_warn: float = 0.5

    def __post_init__(self) -> None:
        if not 0.0 <= self.volume <= 2.0:
            raise ValueError(f"volume must be in 0.0..2.0, got {self.volume!r}")
        if self.queue_policy not in POLICIES:
            raise ValueError(
                f"queue_policy must be one of {'/'.join(POLICIES)}, got {self.queue_policy!r}"
            )
        if not 1 <= self.max_queue <= 1000:
            raise ValueError(f"max_queue must be in 1..1000, got {self.max_queue!r}")
        if not 1 <= self.max_chars <= 100_000:
            raise ValueError(f"max_chars must be in 1..100000, got {self.max_chars!r}")
        if not 0.0 <= self.publish_lead_s <= 10.0:
            raise ValueError(f"publish_lead_s must be in 0.0..10.0, got {self.publish_lead_s!r}")
        if not 0.0 < self.rtf_warn <= 100.0:
            raise ValueError(f"rtf_warn must be in 0..100, got {self.rtf_warn!r}")
        for topic in self.text_topics:
            if not topic or " " in topic:
                raise ValueError(f"text_topics entries must be topic names, got {topic!r}")

    def replace(self, **changes: Any) -> "SpeechSettings":
        return dataclasses.replace(self, **changes)


class ParameterSpec(NamedTuple):
    name: str
    default: Any
    description: str
    read_only: bool
    range: Optional[Tuple[float, float]] = None


_ENGINE_DOCS = {
    "model": ("model config shipped with f5-tts, or a YAML path", True, None),
    "ckpt_file": ("checkpoint .safetensors/.pt (EMA weights); empty = download", True, None),
    "vocab_file": ("vocab.txt of the checkpoint; empty = f5-tts's", True, None),
    "vocoder_dir": (
        "folder with Vocos config.yaml + pytorch_model.bin; empty = download",
        True,
        None,
    ),
    "voices_file": ("voice registry YAML; empty = f5-tts's example voice", True, None),
    "device": ("auto | cpu | cuda", True, None),
    "dtype": ("auto (fp16 on CUDA) | fp32 | fp16 | bf16", True, None),
    "nfe_step": ("sampling steps; fewer is faster, more is cleaner", False, (1, 64)),
    "cfg_strength": ("classifier-free guidance strength", False, (0.0, 10.0)),
    "sway_sampling_coef": ("sway sampling coefficient", False, (-1.0, 1.0)),
    "speed": ("speaking rate", False, (0.3, 3.0)),
    "seed": ("noise seed; -1 = random per utterance", False, (-1, 2**31 - 1)),
    "target_rms": ("loudness references are raised to", True, (0.01, 1.0)),
    "cross_fade_s": ("cross-fade between text chunks, seconds", True, (0.0, 1.0)),
    "max_ref_seconds": ("reference clips are cut to this length", True, (1.0, 20.0)),
    "first_chunk_max_bytes": (
        "size limit of the first text chunk (first audio sooner); 0 = upstream's chunks",
        True,
        (0, 1000),
    ),
    "allow_download": ("download missing default weights from the hub", True, None),
    "compile": ("auto | none | default | reduce-overhead | max-autotune", True, None),
    "compile_cache_dir": ("inductor cache folder; empty = ~/.cache/ishowtts/inductor", True, None),
    "buckets": ("frame lengths compiled sequences are padded to", True, None),
    "cfg_steps": ("guidance on the first N steps only; -1 = all", False, (-1, 64)),
    "warmup": ("compile every bucket at start-up", True, None),
}
_SPEECH_DOCS = {
    "voice": ("voice of tts/text; empty = the registry's first", False, None),
    "volume": ("output gain", False, (0.0, 2.0)),
    "queue_policy": ("queue | interrupt | drop_new | drop_oldest", False, None),
    "max_queue": ("texts waiting at most", False, (1, 1000)),
    "play_audio": ("play on a local sound device", True, None),
    "audio_device": ("output device: name part or index; empty = default", True, None),
    "publish_audio": ("publish tts/audio (audio_common_msgs)", True, None),
    "publish_lead_s": (
        "without local playback, tts/audio chunks go out this long before they start",
        True,
        (0.0, 10.0),
    ),
    "text_topics": ("extra topics to speak from (std_msgs/String)", True, None),
    "max_chars": ("longer texts are cut at a sentence end", False, (1, 100_000)),
    "rtf_warn": ("diagnostics WARN above this mean real-time factor", False, (0.0, 100.0)),
}


def parameter_specs() -> List[ParameterSpec]:
    """Every tts_node parameter: engine settings first, then the service's own."""
    specs = []
    for defaults, docs in ((EngineConfig(), _ENGINE_DOCS), (SpeechSettings(), _SPEECH_DOCS)):
        for item in dataclasses.fields(defaults):
            description, read_only, bounds = docs[item.name]
            specs.append(
                ParameterSpec(
                    item.name, getattr(defaults, item.name), description, read_only, bounds
                )
            )
    return specs


def split_parameters(values: dict) -> Tuple[dict, dict]:
    """Split a flat parameter mapping into engine and service settings."""
    engine_keys = {f.name for f in dataclasses.fields(EngineConfig)}
    engine = {k: v for k, v in values.items() if k in engine_keys}
    return engine, {k: v for k, v in values.items() if k not in engine_keys}
