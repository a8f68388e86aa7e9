# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The voice registry: a YAML file of voices, each a reference clip and its words.

Torch-free, so that a node can list voices (and subscribe their topics) before the
engine is loaded.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib.resources import files
from typing import List, Tuple

import yaml

from ishowtts_ros.engine.errors import MissingFileError

PACKAGE_SCHEME = "pkg://"
BUILTIN_VOICE_ID = "default"
BUILTIN_VOICE_AUDIO = "infer/examples/basic/basic_ref_en.wav"
BUILTIN_VOICE_TEXT = "Some call me nature, others call me mother nature."


@dataclass(frozen=True)
class VoiceSpec:
    """One registry entry: a reference clip and what is said in it."""

    id: str
    ref_audio: str
    ref_text: str
    speed: float = 1.0


def builtin_voice() -> VoiceSpec:
    """Return the English example voice that ships with f5-tts."""
    path = str(files("f5_tts").joinpath(BUILTIN_VOICE_AUDIO))
    return VoiceSpec(BUILTIN_VOICE_ID, path, BUILTIN_VOICE_TEXT)


def load_voice_registry(path: str) -> List[VoiceSpec]:
    """Read ``voices:`` entries (id, ref_audio, ref_text, optional speed) from a YAML file.

    ``ref_audio`` paths are relative to the file. An empty path gives the built-in voice.
    """
    if not path:
        return [builtin_voice()]
    if not os.path.isfile(path):
        raise MissingFileError(f"voices file not found: {path}")
    data = read_yaml(path, "voices file")
    entries = data.get("voices") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"voices file {path} must hold a non-empty 'voices:' list")
    base = os.path.dirname(os.path.abspath(path))
    specs, seen = [], set()
    for index, entry in enumerate(entries):
        where = f"voices file {path}, entry {index}"
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: must be a mapping, got {entry!r}")
        unknown = sorted(set(entry) - {"id", "ref_audio", "ref_text", "speed"})
        if unknown:
            raise ValueError(f"{where}: unknown key {unknown[0]!r}")
        voice_id = entry.get("id")
        if (
            not isinstance(voice_id, str)
            or not voice_id.replace("_", "a").isalnum()
            or not voice_id[0].isalpha()
        ):
            raise ValueError(
                f"{where}: id must be letters, digits and _ starting with a letter, "
                f"got {voice_id!r}"
            )
        if voice_id in seen:
            raise ValueError(f"{where}: duplicate id {voice_id!r}")
        seen.add(voice_id)
        ref_audio, ref_text = entry.get("ref_audio"), entry.get("ref_text")
        if not isinstance(ref_audio, str) or not ref_audio:
            raise ValueError(
                f"{where} ({voice_id}): ref_audio must be a file path, got {ref_audio!r}"
            )
        if not isinstance(ref_text, str) or not ref_text.strip():
            raise ValueError(
                f"{where} ({voice_id}): ref_text must be the words spoken in the clip, "
                f"got {ref_text!r}"
            )
        speed = entry.get("speed", 1.0)
        if (
            isinstance(speed, bool)
            or not isinstance(speed, (int, float))
            or not 0.3 <= speed <= 3.0
        ):
            raise ValueError(
                f"{where} ({voice_id}): speed must be a number in 0.3..3.0, got {speed!r}"
            )
        specs.append(
            VoiceSpec(
                voice_id, resolve_audio_path(ref_audio, base), ref_text.strip(), float(speed)
            )
        )
    return specs


def resolve_audio_path(ref_audio: str, base: str) -> str:
    """Resolve a path relative to ``base``, absolute, or ``pkg://<package>/<file>``."""
    if ref_audio.startswith(PACKAGE_SCHEME):
        package, _, inner = ref_audio[len(PACKAGE_SCHEME) :].partition("/")
        return str(files(package).joinpath(inner))
    ref_audio = os.path.expanduser(ref_audio)
    return (
        ref_audio if os.path.isabs(ref_audio) else os.path.normpath(os.path.join(base, ref_audio))
    )


MAX_PRELOAD_PHRASES = 1000


def read_phrases_file(path: str) -> List[Tuple[str, str]]:
    """Read ``{voice_id: [phrase, ...]}`` from a YAML file, as ``(voice_id, phrase)`` pairs."""
    if not os.path.isfile(path):
        raise MissingFileError(f"preload_phrases_file not found: {path}")
    data = read_yaml(path, "preload_phrases_file")
    if not isinstance(data, dict):
        raise ValueError(f"preload_phrases_file {path} must map voice ids to lists of phrases")
    pairs = []
    for voice_id, phrases in data.items():
        if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
            raise ValueError(
                f"preload_phrases_file {path}: {voice_id!r} must list phrases, got {phrases!r}"
            )
        pairs += [(str(voice_id), phrase) for phrase in phrases]
    if len(pairs) > MAX_PRELOAD_PHRASES:
        raise ValueError(
            f"preload_phrases_file {path} lists {len(pairs)} phrases; "
            f"the limit is {MAX_PRELOAD_PHRASES}"
        )
    return pairs


def read_yaml(path: str, what: str):
    """Parse a YAML file; a syntax error is a ValueError naming the file and the place."""
    with open(path, encoding="utf-8") as stream:
        try:
            return yaml.safe_load(stream) or {}
        except yaml.YAMLError as exc:
            raise ValueError(f"{what} {path} is not valid YAML: {exc}") from None
