# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""sound_play's SoundRequest, understood without ROS: what to say, play or stop.

The numbers are sound_play_msgs/SoundRequest's constants (a test checks them against the
message). Files are played only from the configured sound folders: a path that arrives
in a request is resolved, and opened only when it lies under one of them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable, Iterable, List, Optional, Tuple

import numpy as np

# sound identifiers
BACKINGUP, NEEDS_UNPLUGGING, NEEDS_PLUGGING = 1, 2, 3
NEEDS_UNPLUGGING_BADLY, NEEDS_PLUGGING_BADLY = 4, 5
ALL, PLAY_FILE, SAY = -1, -2, -3
# commands
PLAY_STOP, PLAY_ONCE, PLAY_START = 0, 1, 2
# Built-in sounds: their file in sound_play's sounds folder, and the volume sound_play
# mixes into a request's (it plays BACKINGUP at the mean of the two).
BUILTIN_SOUNDS = {
    BACKINGUP: ("BACKINGUP.ogg", 0.1),
    NEEDS_UNPLUGGING: ("NEEDS_UNPLUGGING.ogg", 1.0),
    NEEDS_PLUGGING: ("NEEDS_PLUGGING.ogg", 1.0),
    NEEDS_UNPLUGGING_BADLY: ("NEEDS_UNPLUGGING_BADLY.ogg", 1.0),
    NEEDS_PLUGGING_BADLY: ("NEEDS_PLUGGING_BADLY.ogg", 1.0),
}
MAX_SOUND_BYTES = 32 * 1024 * 1024
MAX_SOUND_SECONDS = 120.0


class RequestRefused(ValueError):
    """A request that cannot be carried out; the message says why."""


@dataclass(frozen=True)
class SoundPlan:
    """What one request asks for.

    ``action``: "say" (``text`` in ``voice``), "play" (the file at ``path``), "stop" (what
    ``key`` names) or "stop_all". ``key`` names the sound for a later PLAY_STOP.
    """

    action: str
    key: str = ""
    text: str = ""
    voice: Optional[str] = None
    path: str = ""
    volume: float = 1.0
    repeat: bool = False


def plan_request(
    sound: int,
    command: int,
    volume: float,
    arg: str,
    arg2: str,
    voices: Iterable[str],
    sound_dirs: List[str],
    package_share: Callable[[str], str],
) -> SoundPlan:
    """Read a SoundRequest's fields; raise :class:`RequestRefused` naming what is wrong.

    ``voices``: the registry's voice ids (``arg2`` names one, or the default voice is
    used); ``package_share``: a package's share folder, for files named by package.
    """
    if command not in (PLAY_STOP, PLAY_ONCE, PLAY_START):
        raise RequestRefused(f"command must be PLAY_STOP, PLAY_ONCE or PLAY_START, got {command}")
    if sound == ALL:
        if command != PLAY_STOP:
            raise RequestRefused("sound ALL is only valid with PLAY_STOP")
        return SoundPlan("stop_all")
    if not 0.0 <= volume <= 1.0:
        raise RequestRefused(f"volume must be in 0.0..1.0, got {volume}")
    repeat = command == PLAY_START
    if sound == SAY:
        key = f"say:{arg}"
        if command == PLAY_STOP:
            return SoundPlan("stop", key)
        voice = arg2 if arg2 in set(voices) else None
        return SoundPlan("say", key, text=arg, voice=voice, volume=volume, repeat=repeat)
    if sound == PLAY_FILE:
        path = os.path.join(package_share(arg2), arg) if arg2 else arg
        key = f"file:{os.path.realpath(path)}"
        if command == PLAY_STOP:
            return SoundPlan("stop", key)
        path = allowed_sound_file(path, sound_dirs)
        return SoundPlan("play", key, path=path, volume=volume, repeat=repeat)
    if sound in BUILTIN_SOUNDS:
        name, mix = BUILTIN_SOUNDS[sound]
        key = f"builtin:{sound}"
        if command == PLAY_STOP:
            return SoundPlan("stop", key)
        found = [os.path.join(folder, name) for folder in sound_dirs]
        found = [path for path in found if os.path.isfile(path)]
        if not found:
            raise RequestRefused(
                f"built-in sound {sound} needs {name} in one of sound_dirs "
                f"({', '.join(sound_dirs) or 'none set'}); sound_play's sounds folder has it"
            )
        volume = volume if mix == 1.0 else (volume + mix) / 2
        return SoundPlan("play", key, path=found[0], volume=volume, repeat=repeat)
    raise RequestRefused(f"unknown sound {sound}: want SAY, PLAY_FILE, ALL or 1..5")


def allowed_sound_file(path: str, sound_dirs: List[str]) -> str:
    """Return ``path`` resolved, when it is a file under one of ``sound_dirs``; else refuse."""
    if not path or "\x00" in path:
        raise RequestRefused(f"no sound file named: {path!r}")
    resolved = os.path.realpath(path)  # links and ".." are resolved before the check
    folders = [os.path.realpath(folder) for folder in sound_dirs]
    if not any(os.path.commonpath([folder, resolved]) == folder for folder in folders):
        raise RequestRefused(
            f"sound file {path!r} is not under sound_dirs ({', '.join(sound_dirs) or 'none set'})"
        )
    if not os.path.isfile(resolved):
        raise RequestRefused(f"sound file {path!r} does not exist")
    size = os.path.getsize(resolved)
    if size > MAX_SOUND_BYTES:
        raise RequestRefused(
            f"sound file {path!r} is {size} bytes; the limit is {MAX_SOUND_BYTES}"
        )
    return resolved


def read_sound(path: str, sample_rate: int) -> Tuple[np.ndarray, int]:
    """Mono float32 samples of a WAV/OGG/FLAC file at ``sample_rate``."""
    import soundfile

    try:
        info = soundfile.info(path)
        if info.duration > MAX_SOUND_SECONDS:
            raise RequestRefused(
                f"sound file {path!r} lasts {info.duration:.0f} s; the limit is "
                f"{MAX_SOUND_SECONDS:.0f} s"
            )
        samples, rate = soundfile.read(path, dtype="float32", always_2d=True)
    except RequestRefused:
        raise
    except Exception as exc:  # libsndfile raises its own error type for every bad file
        raise RequestRefused(f"sound file {path!r} is not a readable sound file: {exc}") from exc
    samples = samples.mean(axis=1)
    if rate != sample_rate:
        from ishowtts_ros.audio.playback import resample

        samples, rate = resample(samples, rate, sample_rate), sample_rate
    return np.ascontiguousarray(samples, dtype=np.float32), rate
