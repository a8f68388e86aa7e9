# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""SoundRequests understood without ROS: what is said, played, stopped or refused."""

import os

import numpy as np
import pytest
import soundfile

from ishowtts_ros.speech.sound_requests import (
    ALL,
    BACKINGUP,
    PLAY_FILE,
    PLAY_ONCE,
    PLAY_START,
    PLAY_STOP,
    SAY,
    RequestRefused,
    plan_request,
    read_sound,
)

pytestmark = pytest.mark.no_torch


def no_packages(name):
    raise RequestRefused(f"no package {name!r}")


def plan(sound, command, arg="", arg2="", volume=1.0, dirs=(), share=no_packages):
    return plan_request(
        sound, command, volume, arg, arg2, ["alice"], [str(d) for d in dirs], share
    )


@pytest.fixture
def folder(tmp_path):
    sounds = tmp_path / "sounds"
    sounds.mkdir()
    soundfile.write(str(sounds / "ding.wav"), np.zeros(2205, np.float32), 22050)
    soundfile.write(str(tmp_path / "secret.wav"), np.zeros(100, np.float32), 22050)
    return sounds


def test_say_in_a_registry_voice_or_the_default_one():
    assert plan(SAY, PLAY_ONCE, "Hi.", "alice").voice == "alice"
    said = plan(SAY, PLAY_START, "Hi.", "voice_kal_diphone", volume=0.4)
    assert (said.action, said.voice, said.repeat, said.volume) == ("say", None, True, 0.4)
    assert plan(SAY, PLAY_STOP, "Hi.").key == said.key == "say:Hi."


def test_all_is_only_valid_with_play_stop():
    assert plan(ALL, PLAY_STOP).action == "stop_all"
    with pytest.raises(RequestRefused, match="ALL is only valid with PLAY_STOP"):
        plan(ALL, PLAY_ONCE)


@pytest.mark.parametrize(
    "sound,command,volume,message",
    [(7, PLAY_ONCE, 1.0, "unknown sound 7"), (SAY, 5, 1.0, "got 5"), (SAY, PLAY_ONCE, 1.5, "1.5")],
)
def test_bad_requests_are_refused_naming_the_value(sound, command, volume, message):
    with pytest.raises(RequestRefused, match=message):
        plan(sound, command, "x", volume=volume)


def test_files_only_from_sound_dirs_links_and_dots_resolved(folder, tmp_path):
    assert plan(PLAY_FILE, PLAY_ONCE, str(folder / "ding.wav"), dirs=[folder]).path == str(
        folder / "ding.wav"
    )
    for escape in (str(folder / ".." / "secret.wav"), str(tmp_path / "secret.wav"), "/etc/passwd"):
        with pytest.raises(RequestRefused, match="not under sound_dirs"):
            plan(PLAY_FILE, PLAY_ONCE, escape, dirs=[folder])
    os.symlink(tmp_path / "secret.wav", folder / "link.wav")
    with pytest.raises(RequestRefused, match="not under sound_dirs"):
        plan(PLAY_FILE, PLAY_ONCE, str(folder / "link.wav"), dirs=[folder])
    with pytest.raises(RequestRefused, match="does not exist"):
        plan(PLAY_FILE, PLAY_ONCE, str(folder / "gone.wav"), dirs=[folder])


def test_files_named_by_package_are_found_in_its_share_folder(folder):
    share = str(folder.parent)
    played = plan(
        PLAY_FILE, PLAY_ONCE, "sounds/ding.wav", "my_pkg", dirs=[folder], share=lambda name: share
    )
    assert played.path == str(folder / "ding.wav")
    with pytest.raises(RequestRefused, match="no package 'other'"):
        plan(PLAY_FILE, PLAY_ONCE, "ding.wav", "other", dirs=[folder])


def test_builtin_sounds_come_from_sound_dirs_at_sound_plays_volume(folder):
    with pytest.raises(RequestRefused, match="BACKINGUP.ogg in one of sound_dirs"):
        plan(BACKINGUP, PLAY_ONCE, dirs=[folder])
    soundfile.write(str(folder / "BACKINGUP.ogg"), np.zeros(2205, np.float32), 22050, format="OGG")
    backing = plan(BACKINGUP, PLAY_ONCE, volume=0.5, dirs=[folder])
    assert backing.path == str(folder / "BACKINGUP.ogg") and backing.volume == pytest.approx(0.3)


def test_read_sound_makes_mono_at_the_model_rate(folder):
    stereo = np.stack([np.ones(2205), -np.ones(2205)], axis=1).astype(np.float32) * 0.5
    soundfile.write(str(folder / "stereo.wav"), stereo, 22050)
    samples, rate = read_sound(str(folder / "stereo.wav"), 24000)
    assert rate == 24000 and len(samples) == 2400 and np.allclose(samples, 0.0, atol=1e-3)
    (folder / "bad.wav").write_bytes(b"RIFF....nonsense")
    with pytest.raises(RequestRefused, match="not a readable sound file"):
        read_sound(str(folder / "bad.wav"), 24000)
