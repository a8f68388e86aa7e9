# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Errors the engine raises on purpose; each message names the bad file, voice or text."""


class EngineError(Exception):
    """Base of every error raised by the engine on purpose."""


class MissingFileError(EngineError, FileNotFoundError):
    """A model, vocab, vocoder or voice file is missing or unusable."""


class VoiceError(EngineError, ValueError):
    """A voice is unknown, or its reference clip cannot be used."""


class UnknownVoice(VoiceError):
    """No voice of that id is in the registry (any more)."""


class TextError(EngineError, ValueError):
    """A text is empty or holds nothing the model can speak."""


class SynthesisCancelled(EngineError):
    """Synthesis was stopped through its cancel event."""
