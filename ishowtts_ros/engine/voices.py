# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Voices: the YAML registry and reference-clip preprocessing.

Preprocessing is upstream's ``preprocess_ref_audio_text`` + ``infer_batch_process``, with
the same library (pydub) and settings: pauses over 2 s shortened to 2 s, clipped to at
most ``max_ref_seconds`` at a pause, edges trimmed at -42 dBFS, 50 ms of silence
appended, mono, RMS raised to ``target_rms``, resampled to the model's rate. Upstream
writes the result to a temporary WAV file and reads it back; here it stays in memory.

Shapes: ``samples`` is ``[nw]`` float32 at 24 kHz.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from importlib.resources import files
from typing import List, Optional

import warnings

import numpy as np
import soundfile
import torch
import yaml

with warnings.catch_warnings():  # pydub warns when FFmpeg is absent: segments here never need it
    warnings.simplefilter("ignore", RuntimeWarning)
    from pydub import AudioSegment, silence

from ishowtts_ros.engine.errors import MissingFileError, VoiceError

# Upstream's preprocess_ref_audio_text settings (pydub, milliseconds and dBFS).
SILENCE_DBFS = -42.0  # remove_silence_edges
PAUSE_SPLITS = ((1000, -50.0), (100, -40.0))  # (min_silence_len, silence_thresh), in order
KEEP_SILENCE_MS = 1000
SEEK_STEP_MS = 10
TAIL_SILENCE_MS = 50
MIN_SPEECH_MS = 300
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
    source_seconds: float
    """Length of the prepared clip before resampling: upstream's chunk budget uses it."""

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
    """Shape the reference text as upstream's ``preprocess_ref_audio_text`` returns it.

    It ends in ". " or "。"; nothing inside it changes. This is the text the chunk budget
    is computed from.
    """
    if not ref_text.endswith(". ") and not ref_text.endswith("。"):
        ref_text += " " if ref_text.endswith(".") else ". "
    return ref_text


def model_ref_text(ref_text: str) -> str:
    """Return the reference text the model reads, as ``infer_batch_process`` shapes it.

    One more space follows a single-byte last character. Token ids and durations are
    computed from it.
    """
    return ref_text + " " if len(ref_text[-1].encode("utf-8")) == 1 else ref_text


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
    segment = clip_at_pauses(read_segment(path), max_seconds)
    segment = trim_silent_edges(segment)
    if len(segment) < MIN_SPEECH_MS:
        raise VoiceError(
            f"reference audio {path} holds {len(segment) / 1000:.2f} s "
            f"above {SILENCE_DBFS:.0f} dBFS; "
            f"at least {MIN_SPEECH_MS / 1000} s of speech is needed (is it silent?)"
        )
    segment = segment + AudioSegment.silent(duration=TAIL_SILENCE_MS)
    # As upstream reads its preprocessed file back: float, channels first, then mono.
    full_scale = float(2 ** (8 * segment.sample_width - 1))
    samples = np.array(segment.get_array_of_samples(), dtype=np.float32) / full_scale
    audio = torch.from_numpy(samples.reshape(-1, segment.channels).T.copy())
    if audio.shape[0] > 1:
        audio = torch.mean(audio, dim=0, keepdim=True)
    source_rms = float(torch.sqrt(torch.mean(torch.square(audio))))
    if source_rms < target_rms:
        audio = audio * target_rms / source_rms
    if segment.frame_rate != target_rate:
        import torchaudio

        audio = torchaudio.transforms.Resample(segment.frame_rate, target_rate)(audio)
    return Reference(
        audio[0].numpy(), target_rate, source_rms, segment.frame_count() / segment.frame_rate
    )


def read_segment(path: str) -> AudioSegment:
    """Read any sound file libsndfile knows into a pydub segment, as pydub reads a WAV.

    16-bit files stay 16-bit; others become 32-bit integers (pydub's form of 24-bit).
    """
    try:
        info = soundfile.info(path)
        width = 2 if info.subtype == "PCM_16" else 4
        data, rate = soundfile.read(path, dtype=f"int{8 * width}", always_2d=True)
    except Exception as exc:  # libsndfile raises its own error type for every bad file
        raise VoiceError(f"reference audio {path} is not a readable sound file: {exc}") from exc
    if data.size == 0:
        raise VoiceError(f"reference audio {path} is empty")
    return AudioSegment(
        data=np.ascontiguousarray(data).tobytes(),
        sample_width=width,
        frame_rate=rate,
        channels=data.shape[1],
    )


def clip_at_pauses(segment: AudioSegment, max_seconds: float) -> AudioSegment:
    """Shorten long pauses and cut a long clip at a pause, as ``preprocess_ref_audio_text``.

    Pauses of 1 s or more (under -50 dBFS) are split off with up to 1 s of silence kept on
    each side, so longer pauses shrink to 2 s. Segments are joined while the clip stays
    within ``max_seconds`` once it holds half of that; when that still leaves it too
    long, the same is done at 100 ms pauses under -40 dBFS, and last it is cut hard.
    """
    limit_ms = int(max_seconds * 1000)
    for min_silence_ms, threshold_dbfs in PAUSE_SPLITS:
        parts = silence.split_on_silence(
            segment,
            min_silence_len=min_silence_ms,
            silence_thresh=threshold_dbfs,
            keep_silence=KEEP_SILENCE_MS,
            seek_step=SEEK_STEP_MS,
        )
        clipped = AudioSegment.silent(duration=0)
        for part in parts:
            if len(clipped) > limit_ms // 2 and len(clipped + part) > limit_ms:
                break
            clipped += part
        if len(clipped) <= limit_ms:
            return clipped
    return clipped[:limit_ms]


def trim_silent_edges(segment: AudioSegment) -> AudioSegment:
    """Drop leading and trailing 10 ms chunks under -42 dBFS (upstream's remove_silence_edges)."""
    segment = segment[silence.detect_leading_silence(segment, silence_threshold=SILENCE_DBFS) :]
    end = silence.detect_leading_silence(segment.reverse(), silence_threshold=SILENCE_DBFS)
    return segment[: len(segment) - end] if end > 0 else segment


class ReferenceCache:
    """Preprocessed references keyed by content hash and preprocessing parameters."""

    def __init__(self, target_rate: int, target_rms: float, max_seconds: float):
        self.params = (target_rate, target_rms, max_seconds)
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
