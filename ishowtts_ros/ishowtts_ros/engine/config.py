# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Engine configuration: every setting with its default, and what each one means.

The field names are also the ROS parameter names of ``tts_node``; :data:`ENGINE_PARAMS`
is their table (description, range, runtime or start-up only).
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from typing import Any, List, Mapping, Optional


from ishowtts_ros.engine.normalize import LANGUAGES
from ishowtts_ros.parameters import Param, check, check_all

DEVICES = ("auto", "cpu", "cuda")
DTYPES = ("auto", "fp32", "fp16", "bf16")
COMPILE_MODES = (
    "auto",
    "none",
    "default",
    "reduce-overhead",
    "max-autotune",
    "max-autotune-no-cudagraphs",
)
DEFAULT_BUCKETS = (512, 768, 1024, 1536, 2048, 2560)
# Fields holding file or folder paths: relative values are resolved against the
# folder of the YAML file they came from.
PATH_FIELDS = (
    "ckpt_file",
    "vocab_file",
    "vocoder_dir",
    "voices_file",
    "compile_cache_dir",
    "phrase_cache_dir",
    "preload_phrases_file",
)

ENGINE_PARAMS = {
    "model": Param("model config shipped with f5-tts, or a YAML path"),
    "ckpt_file": Param("checkpoint .safetensors/.pt (EMA weights); empty = download"),
    "vocab_file": Param("vocab.txt of the checkpoint; empty = f5-tts's"),
    "vocoder_dir": Param("folder with Vocos config.yaml + pytorch_model.bin; empty = download"),
    "voices_file": Param(
        "voice registry YAML; empty = f5-tts's example voice (read again when set)", True
    ),
    "device": Param("where the model runs; auto = CUDA when present", choices=DEVICES),
    "dtype": Param("precision; auto = fp16 on CUDA, else fp32", choices=DTYPES),
    "nfe_step": Param("sampling steps; fewer is faster, more is cleaner", True, 1, 64),
    "cfg_strength": Param("classifier-free guidance strength", True, 0.0, 10.0),
    "sway_sampling_coef": Param("sway sampling coefficient", True, -1.0, 1.0),
    "speed": Param("speaking rate", True, 0.3, 3.0),
    "seed": Param("noise seed; -1 = random per utterance", True, -1, 2**31 - 1),
    "target_rms": Param("loudness references are raised to", False, 0.01, 1.0),
    "cross_fade_s": Param("cross-fade between text chunks, seconds", False, 0.0, 1.0),
    "max_ref_seconds": Param("reference clips are cut to this length", False, 1.0, 20.0),
    "first_chunk_max_bytes": Param(
        "size limit of the first text chunk (first audio sooner); 0 = upstream's chunks",
        False,
        0,
        1000,
    ),
    "allow_download": Param("download missing default weights from the hub"),
    "compile": Param(
        "torch.compile mode; auto = on CUDA max-autotune where inductor tunes GEMMs (>= 68 "
        "SMs), else reduce-overhead (both: CUDA graphs for the transformer); none on CPU",
        choices=COMPILE_MODES,
    ),
    "compile_cache_dir": Param(
        "inductor cache folder, used while warming up; empty = ~/.cache/ishowtts/inductor"
    ),
    "buckets": Param("frame lengths compiled sequences are padded to (increasing)"),
    "cfg_steps": Param("guidance on the first N steps only; -1 = all", True, -1, 64),
    "warmup": Param(
        "prepare at start-up what a first text needs, compiling bucket by bucket while idle; "
        "false = compile a bucket when a text first needs it"
    ),
    "normalize_text": Param("numbers, units, times, dates and symbols read as words", True),
    "language": Param(
        "language of numbers and symbols; auto = per run of Chinese or Latin text",
        True,
        choices=LANGUAGES,
    ),
    "phrase_cache_mb": Param(
        "memory for speech said before (LRU); 0 = no phrase cache", False, 0, 4096
    ),
    "phrase_cache_dir": Param(
        "folder keeping the phrase cache across restarts; empty = memory only"
    ),
    "phrase_cache_disk_mb": Param(
        "disk for the phrase cache folder (LRU: the least recently said go first)",
        False,
        1,
        1048576,
    ),
    "preload_phrases": Param("phrases synthesised into the cache after warm-up (default voice)"),
    "preload_phrases_file": Param(
        "YAML of phrases to preload per voice id: {voice: [phrase, ...]}"
    ),
}


@dataclass
class EngineConfig:
    """Settings of :class:`ishowtts_ros.engine.Engine`; what each means: :data:`ENGINE_PARAMS`.

    Empty paths mean "the upstream default": the checkpoint and vocoder are then
    downloaded from the hub when it is reachable, the vocab shipped with f5-tts is
    used, and the voice registry holds f5-tts's English example voice.
    """

    model: str = "F5TTS_v1_Base"
    ckpt_file: str = ""
    vocab_file: str = ""
    vocoder_dir: str = ""
    voices_file: str = ""
    device: str = "auto"
    dtype: str = "auto"
    nfe_step: int = 7
    cfg_strength: float = 2.0
    sway_sampling_coef: float = -1.0
    speed: float = 1.0
    seed: int = -1
    target_rms: float = 0.1
    cross_fade_s: float = 0.15
    max_ref_seconds: float = 12.0
    first_chunk_max_bytes: int = 60
    allow_download: bool = True
    compile: str = "auto"
    compile_cache_dir: str = ""
    buckets: List[int] = field(default_factory=lambda: list(DEFAULT_BUCKETS))
    cfg_steps: int = -1
    warmup: bool = True
    normalize_text: bool = True
    language: str = "auto"
    phrase_cache_mb: int = 64
    phrase_cache_dir: str = ""
    phrase_cache_disk_mb: int = 256
    preload_phrases: List[str] = field(default_factory=list)
    preload_phrases_file: str = ""

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise ``ValueError`` naming the first bad key and value."""
        if isinstance(self.buckets, tuple):
            self.buckets = list(self.buckets)  # a YAML tuple or ROS array becomes a list
        check_all(self, ENGINE_PARAMS)
        if not self.model.strip():
            raise ValueError(f"model must be a model config name or YAML path, got {self.model!r}")
        frames_ok = all(
            isinstance(b, int) and not isinstance(b, bool) and 16 <= b <= 65536
            for b in self.buckets
        )
        if not frames_ok or self.buckets != sorted(set(self.buckets)):
            raise ValueError(
                f"buckets must be increasing frame counts in 16..65536, got {self.buckets!r}"
            )

    def synthesis(self) -> "SynthesisSettings":
        """Return the per-call settings this config starts with."""
        return SynthesisSettings(**{name: getattr(self, name) for name in SYNTHESIS_FIELDS})

    @classmethod
    def from_dict(
        cls, values: Mapping[str, Any], base_dir: Optional[str] = None
    ) -> "EngineConfig":
        """Build from a mapping; unknown keys are an error, relative paths join ``base_dir``."""
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(
                f"unknown engine config key {unknown[0]!r} (known: {', '.join(sorted(known))})"
            )
        values = dict(values)
        for name in PATH_FIELDS:
            if values.get(name) is None:
                values.pop(name, None)
        if values.get("seed") is None:
            values.pop("seed", None)
        if base_dir is not None:
            for name in PATH_FIELDS:
                values[name] = resolve_path(values.get(name, ""), base_dir)
            model = values.get("model", "")
            if isinstance(model, str) and model.endswith((".yaml", ".yml")):
                values["model"] = resolve_path(model, base_dir)
        return cls(**values)

    @classmethod
    def from_yaml(cls, path: str) -> "EngineConfig":
        """Load a YAML mapping; relative paths are taken from the file's folder."""
        from ishowtts_ros.engine.registry import read_yaml

        values = read_yaml(path, "engine config")
        if not isinstance(values, dict):
            raise ValueError(
                f"engine config {path} must hold a mapping, got {type(values).__name__}"
            )
        return cls.from_dict(values, base_dir=os.path.dirname(os.path.abspath(path)))

    def to_dict(self) -> dict:
        """Plain mapping of every setting (what ``from_dict`` takes back)."""
        return dataclasses.asdict(self)

    def replace(self, **changes: Any) -> "EngineConfig":
        """Copy with some settings changed, validated."""
        return dataclasses.replace(self, **changes)


def resolve_path(value: str, base_dir: str) -> str:
    """Expand ``~`` and make a non-empty relative path absolute against ``base_dir``."""
    if not value:
        return value
    value = os.path.expanduser(value)
    return value if os.path.isabs(value) else os.path.normpath(os.path.join(base_dir, value))


@dataclass(frozen=True)
class SynthesisSettings:
    """What may differ from one call to the next (piper's ``SynthesisConfig``).

    The engine takes one per call; :meth:`EngineConfig.synthesis` gives the configured
    ones. Ranges are the same parameters' in :data:`ENGINE_PARAMS`.
    """

    nfe_step: int
    cfg_strength: float
    sway_sampling_coef: float
    speed: float
    seed: int
    cfg_steps: int
    normalize_text: bool
    language: str

    def __post_init__(self) -> None:
        for name in SYNTHESIS_FIELDS:
            check(name, getattr(self, name), getattr(EngineConfig, name), ENGINE_PARAMS[name])

    def replace(self, **changes: Any) -> "SynthesisSettings":
        """Copy with some settings changed, validated."""
        return dataclasses.replace(self, **changes)


SYNTHESIS_FIELDS = (
    "nfe_step",
    "cfg_strength",
    "sway_sampling_coef",
    "speed",
    "seed",
    "cfg_steps",
    "normalize_text",
    "language",
)
