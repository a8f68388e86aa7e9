# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The fallback voice: espeak-ng as a command (installed by scripts/setup.sh)."""

import numpy as np
import pytest

from ishowtts_ros.speech.fallback_voice import FallbackError, EspeakVoice, fallback_voice

pytestmark = pytest.mark.no_torch


def test_says_english_and_chinese_at_the_nodes_rate():
    voice = fallback_voice("espeak-ng", 24000)
    assert voice is not None, "espeak-ng is not installed (scripts/setup.sh installs it)"
    english = voice.synthesize("The robot is starting.")
    chinese = voice.synthesize("机器人正在启动。")
    for samples in (english, chinese):
        assert samples.dtype == np.float32 and 0.5 * 24000 < len(samples) < 5 * 24000
        assert 0.05 < float(np.max(np.abs(samples))) <= 1.0


def test_a_text_that_looks_like_an_option_is_spoken_as_words():
    voice = fallback_voice("espeak-ng", 24000)
    words = voice.synthesize("-v nosuchvoice --help")
    assert len(words) > 0.5 * 24000  # spoken, not taken as options (which would fail)


def test_none_is_silence_and_a_broken_command_is_a_clear_error(tmp_path):
    assert fallback_voice("none", 24000) is None
    broken = tmp_path / "espeak-ng"
    broken.write_text("#!/bin/sh\necho 'no voice data' >&2\nexit 1\n")
    broken.chmod(0o755)
    with pytest.raises(FallbackError, match="espeak-ng exited 1: no voice data"):
        EspeakVoice(str(broken), 24000).synthesize("Hello.")
