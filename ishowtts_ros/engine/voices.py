# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Voices: the YAML registry and reference-clip preprocessing.

Preprocessing follows upstream's ``preprocess_ref_audio_text`` + ``infer_batch_process``:
mono, clipped to at most ``max_ref_seconds`` at a pause, edges trimmed at -42 dBFS,
50 ms of silence appended, RMS raised to ``target_rms``, resampled to 24 kHz.

Shapes: ``samples`` is ``[nw]`` float32 at 24 kHz.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from importlib.resources import files
from typing import List, Optional

import numpy as np
import soundfile
import torch
import yaml

from ishowtts_ros.engine.errors import MissingFileError, VoiceError

SILENCE_DBFS = -42.0  # upstream's remove_silence_edges threshold
PAUSE_DBFS = -40.0  # upstream's second split_on_silence threshold
ANALYSIS_MS = 10  # pydub's detect_leading_silence chunk size
TAIL_SILENCE_S = 0.05
MIN_SPEECH_S = 0.3
MAX_FILE_BYTES = 64 * 1024 * 1024

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


@dataclass(frozen=True)
class Reference:
    """A preprocessed reference clip, ready for the model."""

    samples: np.ndarray
    sample_rate: int
    source_rms: float
    """RMS before normalisation: the output is scaled back to it when it was quieter."""

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.sample_rate


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
    with open(path, encoding="utf-8") as stream:
        data = yaml.safe_load(stream) or {}
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


def prepare_ref_text(ref_text: str) -> str:
    """Shape the reference text as upstream feeds it to the model.

    It ends in ". " (``preprocess_ref_audio_text``), then one more space after a
    single-byte last character (``infer_batch_process``).
    """
    text = " ".join(ref_text.split())
    if not text.endswith("。"):
        text = text + " " if text.endswith(".") else text + ". "
    return text + " " if len(text[-1].encode("utf-8")) == 1 else text


def file_digest(path: str) -> str:
    """SHA-256 of a file's content: the cache key of its preprocessing."""
    try:
        size = os.path.getsize(path)
        if size > MAX_FILE_BYTES:
            raise VoiceError(
                f"reference audio {path} is {size} bytes; the limit is {MAX_FILE_BYTES}"
            )
        with open(path, "rb") as stream:
            return hashlib.sha256(stream.read()).hexdigest()
    except FileNotFoundError as exc:
        raise MissingFileError(f"reference audio not found: {path}") from exc
    except OSError as exc:
        raise MissingFileError(f"reference audio {path} could not be read: {exc}") from exc


def preprocess_reference(
    path: str, target_rate: int, target_rms: float, max_seconds: float
) -> Reference:
    """Read and prepare a reference clip; raise a clear error for unusable files."""
    try:
        audio, rate = soundfile.read(path, dtype="float32", always_2d=True)
    except Exception as exc:  # libsndfile raises its own error type for every bad file
        raise VoiceError(f"reference audio {path} is not a readable sound file: {exc}") from exc
    audio = audio.mean(axis=1)
    if audio.size == 0 or not np.isfinite(audio).all():
        raise VoiceError(f"reference audio {path} is empty or holds invalid samples")
    audio = clip_at_pause(audio, rate, max_seconds)
    audio = trim_silent_edges(audio, rate, SILENCE_DBFS)
    if len(audio) < MIN_SPEECH_S * rate:
        raise VoiceError(
            f"reference audio {path} holds {len(audio) / rate:.2f} s "
            f"above {SILENCE_DBFS:.0f} dBFS; "
            f"at least {MIN_SPEECH_S} s of speech is needed (is it silent?)"
        )
    audio = np.concatenate([audio, np.zeros(int(TAIL_SILENCE_S * rate), dtype=np.float32)])
    source_rms = float(np.sqrt(np.mean(np.square(audio))))
    if source_rms < target_rms:
        audio = audio * (target_rms / source_rms)
    tensor = torch.from_numpy(np.ascontiguousarray(audio, dtype=np.float32))
    if rate != target_rate:
        import torchaudio

        # Same resampler as upstream (torchaudio.transforms.Resample, sinc_interp_hann).
        tensor = torchaudio.functional.resample(tensor, rate, target_rate)
    samples = tensor.numpy().astype(np.float32)
    return Reference(samples, target_rate, source_rms)


def chunk_dbfs(audio: np.ndarray, rate: int) -> np.ndarray:
    """Loudness of consecutive 10 ms chunks in dBFS (pydub's ``dBFS`` for float audio)."""
    size = max(1, rate * ANALYSIS_MS // 1000)
    count = int(np.ceil(len(audio) / size))
    padded = np.zeros(count * size, dtype=np.float64)
    padded[: len(audio)] = audio
    rms = np.sqrt(np.mean(np.square(padded.reshape(count, size)), axis=1))
    return 20 * np.log10(np.maximum(rms, 1e-10))


def trim_silent_edges(audio: np.ndarray, rate: int, threshold_dbfs: float) -> np.ndarray:
    """Drop leading and trailing 10 ms chunks quieter than the threshold."""
    loud = np.flatnonzero(chunk_dbfs(audio, rate) >= threshold_dbfs)
    if loud.size == 0:
        return audio[:0]
    size = max(1, rate * ANALYSIS_MS // 1000)
    return audio[loud[0] * size : min(len(audio), (loud[-1] + 1) * size)]


def clip_at_pause(audio: np.ndarray, rate: int, max_seconds: float) -> np.ndarray:
    """Shorten a clip longer than ``max_seconds`` at its last pause before the limit.

    A pause is at least 100 ms under -40 dBFS, as upstream's second silence split.
    Without one, the clip is cut hard at the limit (upstream's last resort).
    """
    limit = int(max_seconds * rate)
    if len(audio) <= limit:
        return audio
    size = max(1, rate * ANALYSIS_MS // 1000)
    quiet = chunk_dbfs(audio, rate) < PAUSE_DBFS
    run, best = 0, None
    for index in range(min(len(quiet), limit // size)):
        run = run + 1 if quiet[index] else 0
        if run >= 10 and index * size > rate:  # keep at least one second of speech
            best = index * size
    return audio[: best if best is not None else limit]


class ReferenceCache:
    """Preprocessed references keyed by content hash and preprocessing parameters."""

    def __init__(self, target_rate: int, target_rms: float, max_seconds: float):
        self.params = (target_rate, target_rms, max_seconds, SILENCE_DBFS, TAIL_SILENCE_S)
        self._entries: dict = {}

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, path: str) -> Reference:
        """Return the prepared clip, preprocessing the file only when its content is new."""
        key = (file_digest(path),) + self.params
        reference: Optional[Reference] = self._entries.get(key)
        if reference is None:
            target_rate, target_rms, max_seconds = self.params[:3]
            reference = preprocess_reference(path, target_rate, target_rms, max_seconds)
            self._entries[key] = reference
        return reference
