# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Local playback through sounddevice (PortAudio), from a thread of its own.

``write`` queues audio and returns at once (:mod:`.output_queue`), so that synthesis
runs ahead of playback; ``stop`` silences the device within one block (20 ms). On a
device that does not take the model's rate, each utterance is resampled by one soxr
stream that carries its state from chunk to chunk (resampling chunks one by one would
put a discontinuity, a click, at every chunk boundary). A device that fails (unplugged,
busy) is opened again for the next chunk; ``error`` says what failed until a chunk
plays again.
"""

from __future__ import annotations

import logging
from typing import Callable, Union

import numpy as np

from ishowtts_ros.audio.output_queue import Entry, OutputQueue

LOG = logging.getLogger(__name__)
BLOCK_S = 0.02


class PlaybackUnavailable(RuntimeError):
    """No usable output device (no PortAudio, no such device, or it refused the format)."""


def resample(samples: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    """Resample a whole float32 mono signal in one piece (soxr)."""
    if rate_in == rate_out:
        return samples
    import soxr

    return soxr.resample(np.asarray(samples, dtype=np.float32), rate_in, rate_out)


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


class LocalPlayer(OutputQueue):
    """Plays float32 mono audio on an output device, at the model's rate or the device's.

    ``device_rate`` 0: the model's ``sample_rate`` when the device takes it, else the
    device's own. ``latency``: PortAudio's "low" or "high", or seconds.
    """

    def __init__(
        self,
        device_spec: str,
        sample_rate: int,
        device_rate: int = 0,
        latency: Union[str, float] = "high",
    ):
        super().__init__("playback")
        try:
            import sounddevice
        except (ImportError, OSError) as exc:  # no sounddevice, or no PortAudio library
            raise PlaybackUnavailable(f"sounddevice unavailable: {exc}") from exc
        self.sample_rate = sample_rate
        self.latency = latency
        try:
            device = find_output_device(device_spec)
        except PlaybackUnavailable:
            raise
        except Exception as exc:  # PortAudio could not list devices
            raise PlaybackUnavailable(f"cannot list audio devices: {exc}") from exc
        try:
            self.device_rate = device_rate or self._rate_for(sounddevice, device, sample_rate)
            self._device = device
            self._stream = self._open()
        except Exception as exc:
            raise PlaybackUnavailable(f"audio device {device_spec or 'default'!r}: {exc}") from exc
        self.device_name = sounddevice.query_devices(self._stream.device)["name"]
        self._resampler = None  # the soxr stream of the utterance playing
        self._resampling_for: object = None
        self.start()
        LOG.info("playing on %r at %d Hz", self.device_name, self.device_rate)

    @staticmethod
    def _rate_for(sounddevice, device, sample_rate: int) -> int:
        try:
            sounddevice.check_output_settings(
                device=device, samplerate=sample_rate, channels=1, dtype="float32"
            )
            return sample_rate
        except Exception:  # the device does not take the model's rate: use its own
            return int(sounddevice.query_devices(device, "output")["default_samplerate"])

    def _open(self):
        import sounddevice

        stream = sounddevice.OutputStream(
            samplerate=self.device_rate,
            channels=1,
            dtype="float32",
            device=self._device,
            latency=self.latency,
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

    def close(self) -> None:
        super().close()
        self._close_stream()

    def _stopped(self, everything: bool) -> None:
        self._resampler = None  # what follows a cut starts afresh

    def _play(self, entry: Entry, wanted: Callable[[], bool]) -> None:
        try:
            self._to_device(self._resampled(entry), wanted)
        except Exception as exc:  # a device that went away must not stop the speaker
            if not self.error:
                LOG.exception("playback failed on %r", self.device_name)
            self.error = f"playback failed: {exc}"
            self._close_stream()
            self._resampler = None

    def _before_marker(self) -> None:
        """Play the resampler's tail: an utterance ends here."""
        if self._resampler is not None:
            tail = self._resampler.resample_chunk(np.zeros(0, np.float32), last=True)
            self._resampler = None
            try:
                self._to_device(tail, lambda: True)
            except Exception:  # the next chunk reopens the device and says so
                self._close_stream()

    def _resampled(self, entry: Entry) -> np.ndarray:
        if entry.rate == self.device_rate:
            return entry.samples
        import soxr

        if self._resampler is None or self._resampling_for is not entry.owner:
            self._before_marker()  # another utterance: the previous one's tail first
            self._resampler = soxr.ResampleStream(entry.rate, self.device_rate, 1, "float32")
            self._resampling_for = entry.owner
        return self._resampler.resample_chunk(np.asarray(entry.samples, dtype=np.float32))

    def _to_device(self, samples: np.ndarray, wanted: Callable[[], bool]) -> None:
        if self._stream is None:  # it failed before: try the device again
            self._stream = self._open()
        block = int(BLOCK_S * self.device_rate)
        for start in range(0, len(samples), block):
            if not wanted():
                return
            self._stream.write(np.ascontiguousarray(samples[start : start + block, None]))
        if self.error and len(samples):
            LOG.info("playback works again on %r", self.device_name)
            self.error = ""
