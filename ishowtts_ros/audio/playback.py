# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Local playback through sounddevice (PortAudio), from a thread of its own.

``write`` queues audio and returns at once, so that synthesis of the next chunk overlaps
playback of this one; ``stop`` silences the device within one block (20 ms). A device
that fails (unplugged, busy) is opened again for the next chunk; ``error`` says what
failed until a chunk plays again.
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
WRITE_TIMEOUT_S = 5.0


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
        except (ImportError, OSError) as exc:  # no sounddevice, or no PortAudio library
            raise PlaybackUnavailable(f"sounddevice unavailable: {exc}") from exc
        self.sample_rate = sample_rate
        try:
            device = find_output_device(device_spec)
        except PlaybackUnavailable:
            raise
        except Exception as exc:  # PortAudio could not list devices
            raise PlaybackUnavailable(f"cannot list audio devices: {exc}") from exc
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
        self._device, self._device_spec = device, device_spec
        try:
            self._stream = self._open()
        except Exception as exc:
            raise PlaybackUnavailable(f"audio device {device_spec or 'default'!r}: {exc}") from exc
        self.device_name = sounddevice.query_devices(self._stream.device)["name"]
        self._pending: "queue.Queue[Optional[tuple]]" = queue.Queue(MAX_PENDING_CHUNKS)
        self._generation = 0  # bumped by stop(): blocks of older generations are dropped
        self._unplayed = 0  # chunks written and not yet played or dropped
        self._done = threading.Condition()
        self._closed = False
        self.error = ""
        self._thread = threading.Thread(target=self._run, name="playback", daemon=True)
        self._thread.start()
        LOG.info("playing on %r at %d Hz", self.device_name, self.device_rate)

    def _open(self):
        import sounddevice

        stream = sounddevice.OutputStream(
            samplerate=self.device_rate, channels=1, dtype="float32", device=self._device
        )
        stream.start()
        return stream

    def _close_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.abort()
                stream.close()
            except Exception:  # a broken device may refuse even to close
                LOG.debug("closing the audio stream failed", exc_info=True)

    def begin(self, utterance) -> None:
        """Nothing to prepare: the device stream stays open between utterances."""

    def write(self, samples: np.ndarray, sample_rate: int) -> None:
        """Queue audio for playback (blocks only when far ahead of the device)."""
        if not self._thread.is_alive():
            return
        with self._done:
            self._unplayed += 1
        try:
            self._pending.put((self._generation, samples, sample_rate), timeout=WRITE_TIMEOUT_S)
        except queue.Full:
            LOG.error("playback is stuck: %.2f s of audio dropped", len(samples) / sample_rate)
            self._finished()

    def drain(self, timeout: float) -> bool:
        """Wait until everything written has been played or dropped; False on timeout."""
        with self._done:
            return self._done.wait_for(lambda: self._unplayed == 0, timeout)

    def stop(self) -> None:
        """Drop queued audio and silence the device now."""
        self._generation += 1
        try:
            while True:
                self._pending.get_nowait()
                self._finished()
        except queue.Empty:
            pass

    def _finished(self) -> None:
        with self._done:
            self._unplayed = max(0, self._unplayed - 1)
            self._done.notify_all()

    def close(self) -> None:
        self.stop()
        self._closed = True
        try:
            self._pending.put(None, timeout=1.0)
        except queue.Full:
            pass
        self._thread.join(timeout=1.0)
        self._close_stream()

    def _run(self) -> None:
        block = int(BLOCK_S * self.device_rate)
        while True:
            item = self._pending.get()
            if item is None:
                return
            generation, samples, rate = item
            try:
                if self._stream is None:  # it failed before: try the device again
                    self._stream = self._open()
                samples = resample(samples, rate, self.device_rate)
                for start in range(0, len(samples), block):
                    if generation != self._generation or self._closed:
                        break
                    self._stream.write(np.ascontiguousarray(samples[start : start + block, None]))
                if self.error:
                    LOG.info("playback works again on %r", self.device_name)
                    self.error = ""
            except Exception as exc:  # a device that went away must not stop the speaker
                if not self.error:
                    LOG.exception("playback failed on %r", self.device_name)
                self.error = f"playback failed: {exc}"
                self._close_stream()
            finally:
                self._finished()
