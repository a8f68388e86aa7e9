# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Reference clips prepared for the model, as upstream f5-tts prepares them.

Preprocessing is upstream's ``preprocess_ref_audio_text`` + ``infer_batch_process``, with
the same library (pydub) and settings: pauses over 2 s shortened to 2 s, clipped to at
most ``max_ref_seconds`` at a pause, edges trimmed at -42 dBFS, 50 ms of silence
appended, mono, RMS raised to ``target_rms``, resampled to the model's rate. Upstream
writes the result to a temporary WAV file and reads it back; here it stays in memory.

Shapes: ``samples`` is ``[nw]`` float32 at the model's rate.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import warnings
from dataclasses import dataclass
from typing import Optional

import numpy as np
import soundfile
import torch

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


@dataclass(frozen=True)
class Reference:
    """A preprocessed reference clip, ready for the model."""

    samples: np.ndarray
    sample_rate: int
    source_rms: float
    """RMS before normalisation: the output is scaled back to it when it was quieter."""
    source_seconds: float
    """Length of the prepared clip before resampling: upstream's chunk budget uses it."""
    digest: str = ""
    """SHA-256 of the file's content."""

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.sample_rate


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
            reference = dataclasses.replace(reference, digest=key[0])
            self._entries[key] = reference
        return reference
