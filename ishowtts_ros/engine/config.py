# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Engine configuration: every setting, its default and its validation, in one place.

The field names are also the ROS parameter names of ``tts_node``.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from typing import Any, List, Mapping, Optional

import yaml

DEVICES = ("auto", "cpu", "cuda")
DTYPES = ("auto", "fp32", "fp16", "bf16")
COMPILE_MODES = ("auto", "none", "default", "reduce-overhead", "max-autotune")
DEFAULT_BUCKETS = (512, 768, 1024, 1536, 2048, 2560)
# Fields holding file or folder paths: relative values are resolved against the
# folder of the YAML file they came from.
PATH_FIELDS = ("ckpt_file", "vocab_file", "vocoder_dir", "voices_file", "compile_cache_dir")


@dataclass
class EngineConfig:
    """Settings of :class:`ishowtts_ros.engine.Engine`.

    Empty paths mean "the upstream default": the checkpoint and vocoder are then
    downloaded from the hub when it is reachable, the vocab shipped with f5-tts is
    used, and the voice registry holds f5-tts's English example voice.
    """

    model: str = "F5TTS_v1_Base"
    """Name of a model config shipped with f5-tts, or a path to such a YAML file."""
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
    """Noise seed; -1 draws a fresh seed for every utterance."""
    target_rms: float = 0.1
    cross_fade_s: float = 0.15
    max_ref_seconds: float = 12.0
    first_chunk_max_bytes: int = 60
    """Upper bound of the first text chunk, so that first audio comes early (0 = as upstream)."""
    allow_download: bool = True
    """Fetch missing default weights from the hub (honours HF_HUB_OFFLINE)."""
    compile: str = "auto"
    """torch.compile mode for transformer and vocoder; auto = max-autotune on CUDA, none on CPU."""
    compile_cache_dir: str = ""
    """Inductor's cache, reused across restarts ("" = ~/.cache/ishowtts/inductor)."""
    buckets: List[int] = field(default_factory=lambda: list(DEFAULT_BUCKETS))
    """Frame lengths a compiled model pads sequences up to, so that no length recompiles."""
    cfg_steps: int = -1
    """Apply classifier-free guidance on the first N steps only (-1 = all; fewer is faster)."""
    warmup: bool = True
    """Run every bucket once at load, so that no request waits for compilation."""

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise ``ValueError`` naming the first bad key and value."""
        _choice("device", self.device, DEVICES)
        _choice("dtype", self.dtype, DTYPES)
        if not isinstance(self.model, str) or not self.model.strip():
            raise ValueError(f"model must be a model config name or YAML path, got {self.model!r}")
        for name in PATH_FIELDS:
            if not isinstance(getattr(self, name), str):
                raise ValueError(f"{name} must be a path string, got {getattr(self, name)!r}")
        _int_range("nfe_step", self.nfe_step, 1, 64)
        _float_range("cfg_strength", self.cfg_strength, 0.0, 10.0)
        _float_range("sway_sampling_coef", self.sway_sampling_coef, -1.0, 1.0)
        _float_range("speed", self.speed, 0.3, 3.0)
        _int_range("seed", self.seed, -1, 2**31 - 1)
        _float_range("target_rms", self.target_rms, 0.01, 1.0)
        _float_range("cross_fade_s", self.cross_fade_s, 0.0, 1.0)
        _float_range("max_ref_seconds", self.max_ref_seconds, 1.0, 20.0)
        _int_range("first_chunk_max_bytes", self.first_chunk_max_bytes, 0, 1000)
        _choice("compile", self.compile, COMPILE_MODES)
        for name in ("allow_download", "warmup"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be true or false, got {getattr(self, name)!r}")
        _int_range("cfg_steps", self.cfg_steps, -1, 64)
        _buckets("buckets", self.buckets)
        self.buckets = list(self.buckets)  # a YAML tuple or ROS array becomes a list

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
        with open(path, encoding="utf-8") as stream:
            values = yaml.safe_load(stream) or {}
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


def _choice(name: str, value: Any, choices: tuple) -> None:
    if value not in choices:
        raise ValueError(f"{name} must be one of {'/'.join(choices)}, got {value!r}")


def _int_range(name: str, value: Any, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name} must be an integer in {low}..{high}, got {value!r}")


def _buckets(name: str, value: Any) -> None:
    frames_ok = isinstance(value, (list, tuple)) and all(
        isinstance(b, int) and not isinstance(b, bool) and 16 <= b <= 65536 for b in value
    )
    if not frames_ok or list(value) != sorted(set(value)):
        raise ValueError(f"{name} must be increasing frame counts in 16..65536, got {value!r}")


def _float_range(name: str, value: Any, low: float, high: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise ValueError(f"{name} must be a number in {low}..{high}, got {value!r}")
