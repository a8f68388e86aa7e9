# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""WAV files: 16-bit PCM mono, through the standard library."""

from __future__ import annotations

import wave

import numpy as np


def to_pcm16(samples: np.ndarray) -> bytes:
    """Float samples in [-1, 1] as signed 16-bit little-endian PCM (clipped)."""
    return (np.clip(samples, -1.0, 1.0) * 32767.0).round().astype("<i2").tobytes()


def from_pcm16(data: bytes) -> np.ndarray:
    """Signed 16-bit little-endian PCM as float32 samples in [-1, 1]."""
    return np.frombuffer(data, dtype="<i2").astype(np.float32) / 32767.0


def write_wav(path: str, samples: np.ndarray, sample_rate: int) -> None:
    """Write mono float samples as a 16-bit PCM WAV file."""
    with wave.open(path, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(int(sample_rate))
        out.writeframes(to_pcm16(np.asarray(samples, dtype=np.float32)))


def read_wav(path: str) -> tuple:
    """Read a 16-bit PCM mono WAV as float32 samples and its sample rate."""
    with wave.open(path, "rb") as src:
        if src.getsampwidth() != 2 or src.getnchannels() != 1:
            raise ValueError(f"{path}: expected 16-bit mono PCM")
        return from_pcm16(src.readframes(src.getnframes())), src.getframerate()
