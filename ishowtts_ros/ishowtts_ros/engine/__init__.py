# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Text-to-speech engine on F5-TTS: torch only, no ROS.

``Engine`` and ``AudioChunk`` are imported on first use, so that the configuration and
text layers stay importable without torch.
"""

from ishowtts_ros.engine.config import EngineConfig
from ishowtts_ros.engine.errors import (
    EngineError,
    MissingFileError,
    SynthesisCancelled,
    TextError,
    UnknownVoice,
    VoiceError,
)

__all__ = [
    "AudioChunk",
    "Engine",
    "EngineConfig",
    "EngineError",
    "MissingFileError",
    "SynthesisCancelled",
    "TextError",
    "UnknownVoice",
    "VoiceError",
]


def __getattr__(name):
    if name in ("Engine", "AudioChunk"):
        from ishowtts_ros.engine import synthesis

        return getattr(synthesis, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
