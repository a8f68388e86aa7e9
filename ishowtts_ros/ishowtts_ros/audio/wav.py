# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""16-bit PCM: WAV files (through soundfile) and the S16LE bytes of audio topics."""

from __future__ import annotations

import numpy as np
import soundfile


def to_pcm16(samples: np.ndarray) -> bytes:
    """Float samples in [-1, 1] as signed 16-bit little-endian PCM (clipped)."""
    return (np.clip(samples, -1.0, 1.0) * 32767.0).round().astype("<i2").tobytes()


def from_pcm16(data: bytes) -> np.ndarray:
    """Signed 16-bit little-endian PCM as float32 samples in [-1, 1]."""
    return np.frombuffer(data, dtype="<i2").astype(np.float32) / 32767.0


def write_wav(path: str, samples: np.ndarray, sample_rate: int) -> None:
    """Write mono float samples as a 16-bit PCM WAV file (clipped to [-1, 1])."""
    clipped = np.clip(np.asarray(samples, dtype=np.float32), -1.0, 1.0)
    soundfile.write(path, clipped, int(sample_rate), subtype="PCM_16", format="WAV")


def read_wav(path: str) -> tuple:
    """Read a 16-bit PCM mono WAV as float32 samples and its sample rate."""
    info = soundfile.info(path)
    if info.subtype != "PCM_16" or info.channels != 1:
        raise ValueError(f"{path}: expected 16-bit mono PCM, got {info.subtype} x{info.channels}")
    samples, rate = soundfile.read(path, dtype="float32")
    return samples, rate
