# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Local playback on a sound card that runs at another rate: ALSA's file device as the card.

The player runs in a process of its own (PortAudio reads ALSA's configuration once).
"""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import soxr

pytestmark = pytest.mark.no_torch

RATE, DEVICE_RATE, TONE_HZ = 24000, 48000, 440.0
# Chunk sizes as the engine hands them on: a short first chunk, then longer ones.
CHUNK_SECONDS = (0.61, 2.37, 1.93, 0.05, 3.11)

PLAYER = """
import json, sys
import numpy as np
from ishowtts_ros.audio.playback import LocalPlayer

tone, sizes, stop_other_at = np.load(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3])
player = LocalPlayer("", {rate}, device_rate={device_rate})
owner, position = object(), 0
for index, size in enumerate(sizes):
    player.write(tone[position : position + size], {rate}, owner)
    position += size
    # The speaker marks every chunk (what is ahead); a stop aimed at another utterance,
    # made from the playback thread between two chunks, leaves this one whole too.
    stop_other = index == stop_other_at
    player.mark(lambda played, stop_other=stop_other: stop_other and player.stop(object()), owner)
heard = []
player.mark(heard.append, owner)
player.drain(60.0)
player.close()
print(json.dumps({{"heard": heard, "device_rate": player.device_rate}}))
"""


def play_on_a_file_card(tmp_path, card, code: str, *args: str) -> dict:
    """Run ``code`` in a Python of its own whose sound card is ALSA's file device on ``card``.

    PortAudio reads ALSA's configuration once per process. Returns the JSON it printed last.
    """
    config = tmp_path / "asound.conf"
    config.write_text(
        f'pcm.!default {{ type file slave.pcm "null" file "{card}" format "raw" }}\n'
    )
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        env={**os.environ, "ALSA_CONFIG_PATH": f"/usr/share/alsa/alsa.conf:{config}"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def off_tone_fraction(samples: np.ndarray, rate: int) -> float:
    """Share of the signal's energy away from the tone (clicks spread energy everywhere)."""
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples)))) ** 2
    frequencies = np.fft.rfftfreq(len(samples), 1 / rate)
    return float(spectrum[np.abs(frequencies - TONE_HZ) > 20].sum() / spectrum.sum())


@pytest.mark.parametrize("stop_other_at", [-1, 0, 2])
def test_a_tone_cut_into_chunks_plays_on_a_48_khz_card_as_smoothly_as_in_one_piece(
    tmp_path, stop_other_at
):
    tone = (0.5 * np.sin(2 * np.pi * TONE_HZ * np.arange(int(8.07 * RATE)) / RATE)).astype(
        np.float32
    )
    sizes = [int(s * RATE) for s in CHUNK_SECONDS]
    np.save(tmp_path / "tone.npy", tone[: sum(sizes)])
    played = tmp_path / "played.raw"
    player = PLAYER.format(rate=RATE, device_rate=DEVICE_RATE)
    arguments = (str(tmp_path / "tone.npy"), json.dumps(sizes), str(stop_other_at))
    report = play_on_a_file_card(tmp_path, played, player, *arguments)
    assert report == {"heard": [True], "device_rate": DEVICE_RATE}
    sent = tone[: sum(sizes)]
    whole = soxr.resample(sent, RATE, DEVICE_RATE)
    heard = np.fromfile(played, dtype=np.float32)[: len(whole)]
    assert len(heard) == len(whole)
    # Resampling each chunk alone would be heard as clicks at every chunk boundary.
    per_chunk = np.concatenate(
        [soxr.resample(c, RATE, DEVICE_RATE) for c in np.split(sent, np.cumsum(sizes)[:-1])]
    )
    print(
        "off-tone energy: played",
        off_tone_fraction(heard, DEVICE_RATE),
        "in one piece",
        off_tone_fraction(whole, DEVICE_RATE),
        "chunk by chunk",
        off_tone_fraction(per_chunk, DEVICE_RATE),
    )
    assert off_tone_fraction(per_chunk, DEVICE_RATE) > 100 * off_tone_fraction(whole, DEVICE_RATE)
    assert off_tone_fraction(heard, DEVICE_RATE) <= 2 * off_tone_fraction(whole, DEVICE_RATE)


STALLED = """
import json, os, sys, time
import numpy as np
fifo = sys.argv[1]
reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # opened, never read: the card stalls
from ishowtts_ros.audio.playback import LocalPlayer

player = LocalPlayer("", 24000, stall_s=0.5)
heard = []
player.write(np.zeros(24000 * 5, np.float32), 24000, "utterance")
player.mark(heard.append, "utterance")
deadline = time.monotonic() + 60.0
while "took no audio" not in player.error and time.monotonic() < deadline:
    time.sleep(0.01)
error, stalled = player.error, player.stalled
player.stop()  # answered without the device
os.close(reader)  # the card takes audio again (its writer gets an error): the thread goes on
player.close()
print(json.dumps({"error": error, "stalled": stalled, "heard": heard}))
"""


def test_a_sound_card_that_takes_no_audio_is_reported_and_stops_still_answer(tmp_path):
    """ALSA's file device writing into a pipe nobody reads: a card that stops taking audio."""
    fifo = tmp_path / "card"
    os.mkfifo(fifo)
    report = play_on_a_file_card(tmp_path, fifo, STALLED, str(fifo))
    error = "audio device 'default' took no audio for 0.5 s"
    assert report == {"error": error, "stalled": True, "heard": [False]}


RELEASER = """
import json, os, sys, time
import numpy as np
from ishowtts_ros.audio.playback import LocalPlayer

played = os.path.realpath(sys.argv[1])


def held():
    names = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            names.append(os.path.realpath(f"/proc/self/fd/{fd}"))
        except OSError:
            continue
    return played in names


def until(condition, seconds=30.0):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    return condition()


report = {}
player = LocalPlayer("", 24000, release_s=0.2)
report["held at start"] = held()
tone = np.full(2400, 0.1, np.float32)
for round in ("first", "second"):
    player.write(tone, 24000, object())
    report[f"played {round}"] = player.drain(30.0) and player.error == ""
    report[f"released after {round}"] = until(lambda: not held())
player.close()
print(json.dumps(report))
"""


def test_the_sound_card_is_released_when_idle_and_opened_again_for_the_next_audio(tmp_path):
    """Other players can use it between utterances (ALSA's file device as the card)."""
    played = tmp_path / "played.raw"
    report = play_on_a_file_card(tmp_path, played, RELEASER, str(played))
    assert all(report.values()) and len(report) == 5, report
