# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The voice a robot speaks with while no F5 engine can: espeak-ng, run as a command.

While the weights load, or when they failed to load (a missing checkpoint, a broken
file), a robot that falls silent looks dead. espeak-ng (the Debian/Ubuntu package
``espeak-ng``) is a small formant synthesiser of the kind sound_play users know from
festival: robotic, but it says the text at once. Text goes in on standard input (never
as an argument, so a text that starts with "-" is words, not an option).
"""

from __future__ import annotations

import io
import shutil
import subprocess
from typing import Optional

import numpy as np

from ishowtts_ros.audio.playback import resample
from ishowtts_ros.engine.normalize import language_runs

ESPEAK = "espeak-ng"
FALLBACK_VOICES = (ESPEAK, "none")
TIMEOUT_S = 30.0
ESPEAK_VOICES = {"en": "en", "zh": "cmn"}  # espeak-ng's names: English, Mandarin


class FallbackError(RuntimeError):
    """The fallback voice could not say a text."""


class EspeakVoice:
    """Says texts with espeak-ng, as float32 mono samples at ``sample_rate``."""

    name = ESPEAK

    def __init__(self, executable: str, sample_rate: int):
        self.executable = executable
        self.sample_rate = sample_rate

    def synthesize(self, text: str, language: str = "auto") -> np.ndarray:
        """Speech for ``text``; ``language`` en, zh or auto (Chinese when it has Chinese)."""
        if language == "auto":
            runs = language_runs(text)
            language = "zh" if any(lang == "zh" for lang, _ in runs) else "en"
        command = [
            self.executable,
            "--stdout",
            "--stdin",
            "-b",
            "1",
            "-v",
            ESPEAK_VOICES[language],
        ]
        try:
            result = subprocess.run(
                command, input=text.encode("utf-8"), capture_output=True, timeout=TIMEOUT_S
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise FallbackError(f"{ESPEAK} failed: {exc}") from exc
        if result.returncode != 0 or not result.stdout:
            problem = result.stderr.decode("utf-8", "replace").strip()
            raise FallbackError(f"{ESPEAK} exited {result.returncode}: {problem or 'no audio'}")
        import soundfile

        samples, rate = soundfile.read(io.BytesIO(result.stdout), dtype="float32")
        return resample(samples, rate, self.sample_rate)


def fallback_voice(name: str, sample_rate: int) -> Optional[EspeakVoice]:
    """Return the configured fallback voice, or None (``none``, or espeak-ng is missing)."""
    if name == "none":
        return None
    executable = shutil.which(ESPEAK)
    return EspeakVoice(executable, sample_rate) if executable else None
