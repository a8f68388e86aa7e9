# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""PCM and WAV conversions (no torch, no ROS)."""

import numpy as np
import pytest

from ishowtts_ros.audio.wav import from_pcm16, read_wav, to_pcm16, write_wav

pytestmark = pytest.mark.no_torch


def test_pcm16_is_clipped_little_endian_int16():
    samples = np.array([0.0, 0.5, -1.0, 1.5, -2.0], dtype=np.float32)
    assert to_pcm16(samples) == np.array([0, 16384, -32767, 32767, -32767], "<i2").tobytes()
    assert np.allclose(from_pcm16(to_pcm16(samples)), np.clip(samples, -1, 1), atol=1 / 32767)


def test_wav_round_trip(tmp_path):
    samples = np.sin(np.linspace(0, 20, 2400)).astype(np.float32) * 0.5
    write_wav(str(tmp_path / "a.wav"), samples, 24000)
    back, rate = read_wav(str(tmp_path / "a.wav"))
    assert rate == 24000 and np.allclose(back, samples, atol=1 / 32767)
