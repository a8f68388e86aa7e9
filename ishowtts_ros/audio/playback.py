# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Local playback through sounddevice (PortAudio), from a thread of its own.

``write`` queues audio and returns at once, so that synthesis of the next chunk overlaps
playback of this one; ``stop`` silences the device within one block (20 ms).
"""

from __future__ import annotations

import logging
import queue
import threading
from math import gcd
from typing import Optional

import numpy as np

LOG = logging.getLogger(__name__)
BLOCK_S = 0.02
MAX_PENDING_CHUNKS = 256


class PlaybackUnavailable(RuntimeError):
    """No usable output device (no PortAudio, no such device, or it refused the format)."""


def resample(samples: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    """Polyphase resampling (scipy) of float32 mono samples."""
    if rate_in == rate_out:
        return samples
    from scipy.signal import resample_poly

    common = gcd(rate_in, rate_out)
    return resample_poly(samples, rate_out // common, rate_in // common).astype(np.float32)


def find_output_device(spec: str):
    """Resolve ``audio_device``: "" = system default, an index, or part of a device name."""
    import sounddevice

    if not spec:
        return None
    if spec.strip().isdigit():
        return int(spec)
    outputs = [
        (i, d["name"])
        for i, d in enumerate(sounddevice.query_devices())
        if d["max_output_channels"] > 0
    ]
    for index, name in outputs:
        if spec.lower() in name.lower():
            return index
    raise PlaybackUnavailable(
        f"no output device matches audio_device {spec!r} "
        f"(have: {', '.join(name for _, name in outputs) or 'none'})"
    )


class LocalPlayer:
    """Plays float32 mono audio at ``sample_rate`` on an output device."""

    def __init__(self, device_spec: str = "", sample_rate: int = 24000):
        """Open ``device_spec`` for ``sample_rate`` audio, or its own rate when it refuses."""
        try:
            import sounddevice
        except OSError as exc:  # the PortAudio library itself is missing
            raise PlaybackUnavailable(f"sounddevice cannot load PortAudio: {exc}") from exc
        self.sample_rate = sample_rate
        device = find_output_device(device_spec)
        try:
            sounddevice.check_output_settings(
                device=device, samplerate=sample_rate, channels=1, dtype="float32"
            )
            self.device_rate = sample_rate
        except Exception:  # the device does not take 24 kHz: use its own rate
            try:
                info = sounddevice.query_devices(device, "output")
                self.device_rate = int(info["default_samplerate"])
            except Exception as exc:
                raise PlaybackUnavailable(
                    f"audio device {device_spec or 'default'!r}: {exc}"
                ) from exc
        try:
            self._stream = sounddevice.OutputStream(
                samplerate=self.device_rate, channels=1, dtype="float32", device=device
            )
            self._stream.start()
        except Exception as exc:
            raise PlaybackUnavailable(f"audio device {device_spec or 'default'!r}: {exc}") from exc
        self.device_name = sounddevice.query_devices(self._stream.device)["name"]
        self._pending: "queue.Queue[Optional[np.ndarray]]" = queue.Queue(MAX_PENDING_CHUNKS)
        self._generation = 0  # bumped by stop(): blocks of older generations are dropped
        self._idle = threading.Event()
        self._idle.set()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="playback", daemon=True)
        self._thread.start()
        LOG.info("playing on %r at %d Hz", self.device_name, self.device_rate)

    def begin(self, utterance) -> None:
        """Nothing to prepare: the device stream stays open between utterances."""

    def write(self, samples: np.ndarray, sample_rate: int) -> None:
        """Queue audio for playback (blocks only when far ahead of the device)."""
        self._idle.clear()
        self._pending.put((self._generation, samples, sample_rate))

    def drain(self, timeout: float) -> bool:
        """Wait until everything written has been played; False on timeout."""
        if self._pending.empty() and self._idle.is_set():
            return True
        return self._idle.wait(timeout)

    def stop(self) -> None:
        """Drop queued audio and silence the device now."""
        self._generation += 1
        try:
            while True:
                self._pending.get_nowait()
        except queue.Empty:
            pass
        self._idle.set()

    def close(self) -> None:
        self.stop()
        self._closed = True
        self._pending.put(None)
        self._thread.join(timeout=1.0)
        self._stream.abort()
        self._stream.close()

    def _run(self) -> None:
        block = int(BLOCK_S * self.device_rate)
        while True:
            try:
                item = self._pending.get(timeout=0.1)
            except queue.Empty:
                self._idle.set()
                continue
            if item is None:
                return
            generation, samples, rate = item
            samples = resample(samples, rate, self.device_rate)
            for start in range(0, len(samples), block):
                if generation != self._generation or self._closed:
                    break
                self._stream.write(np.ascontiguousarray(samples[start : start + block, None]))
            if self._pending.empty():
                self._idle.set()
