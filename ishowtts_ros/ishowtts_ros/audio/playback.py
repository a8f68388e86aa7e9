# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Local playback through sounddevice (PortAudio), from a thread of its own.

``write`` queues audio and returns at once (:mod:`.output_queue`), so that synthesis
runs ahead of playback; ``stop`` silences the device within one block (20 ms). On a
device that does not take the model's rate, each utterance is resampled by one soxr
stream that carries its state from chunk to chunk (resampling chunks one by one would
put a discontinuity, a click, at every chunk boundary); that stream belongs to the
playback thread alone. A device that fails (unplugged, busy) is opened again for the
next chunk. After ``release_s`` without audio the device is closed, so that other
players can use it (plain ALSA lets one at a time), and opened for the next chunk; one
that is busy then is reported in ``error``. One that takes no audio for ``stall_s`` (a
USB or Bluetooth stall) is seen by a watchdog while the playback thread waits on it:
``error`` says so at once, and stops are answered meanwhile, since they never wait for
the device. ``error`` says what failed until a chunk plays again.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Callable, Optional, Union

import numpy as np

from ishowtts_ros.audio.output_queue import Entry, OutputQueue, is_cut

LOG = logging.getLogger(__name__)
BLOCK_S = 0.02
STALL_S = 2.0


class DeviceStalled(RuntimeError):
    """The device took no audio for ``stall_s`` seconds."""


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
        gain: Optional[Callable[[], float]] = None,
        stall_s: float = STALL_S,
        release_s: float = 0.0,
    ):
        super().__init__("playback", gain)
        self.stall_s = stall_s
        self.release_s = release_s
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
        self._waiting_since: Optional[float] = None  # on the device, by the playback thread
        self._watchdog = threading.Thread(
            target=self._watch, name="playback-watchdog", daemon=True
        )
        self._resampler = None  # the soxr stream of the utterance playing (thread's own)
        self._resampling_for: tuple = (None, -1)  # its owner and the stop generation
        self.start()
        self._watchdog.start()
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

    def _idle_timeout(self) -> Optional[float]:
        held = self._stream is not None and self.release_s > 0
        return self.release_s if held else None

    def _went_idle(self) -> None:
        """Release the device: other players may use it (opened again for the next audio)."""
        self._close_stream()
        LOG.info("released %r after %g s without audio", self.device_name, self.release_s)

    def _play(self, entry: Entry, wanted: Callable[[], bool]) -> None:
        try:
            self._to_device(self._resampled(entry) * self.gain(), wanted)
        except Exception as exc:  # a device that went away or stalls must not stop the speaker
            if "took no audio" not in self.error:  # the watchdog's word on a stall stays
                if not self.error:
                    LOG.error("playback failed on %r: %s", self.device_name, exc)
                self.error = f"playback failed on {self.device_name!r}: {exc}"
            self._close_stream()
            self._resampler = None

    def _before_marker(self, owner: object) -> None:
        """Play the resampler's tail when ``owner``'s audio ends here.

        Markers come between an utterance's chunks too: while more of its audio waits,
        the stream goes on (a tail played there would be a click).
        """
        if self._resampler is None or self._resampling_for[0] is not owner:
            return
        with self._cond:
            more = any(e.owner is owner and e.samples is not None for e in self._entries)
        if not more:
            self._play_tail()

    def _play_tail(self) -> None:
        tail = self._resampler.resample_chunk(np.zeros(0, np.float32), last=True)
        self._resampler = None
        try:
            self._to_device(tail * self.gain(), lambda: True)
        except Exception:  # the next chunk reopens the device and says so
            self._close_stream()

    def _resampled(self, entry: Entry) -> np.ndarray:
        if entry.rate == self.device_rate:
            return entry.samples
        import soxr

        wanted_for = (entry.owner, self._generation)
        if self._resampler is None or self._resampling_for != wanted_for:
            previous, generation = self._resampling_for
            if (
                self._resampler is not None
                and generation == self._generation
                and not is_cut(previous)
            ):
                self._play_tail()  # another utterance follows: the previous one's tail first
            # else a stop of everything came between: what follows starts afresh
            self._resampler = soxr.ResampleStream(entry.rate, self.device_rate, 1, "float32")
            self._resampling_for = wanted_for
        return self._resampler.resample_chunk(np.asarray(entry.samples, dtype=np.float32))

    def _to_device(self, samples: np.ndarray, wanted: Callable[[], bool]) -> None:
        if self._stream is None:  # it failed before: try the device again
            self._stream = self._open()
        block = int(BLOCK_S * self.device_rate)
        start = 0
        try:
            while start < len(samples):
                self._waiting_since = time.monotonic()
                room = self._room(wanted)
                if not room:
                    return
                piece = samples[start : start + min(block, room)]
                self._stream.write(np.ascontiguousarray(piece[:, None], dtype=np.float32))
                start += len(piece)
        finally:
            self._waiting_since = None
        if self.error and len(samples):
            LOG.info("playback works again on %r", self.device_name)
            self.error = ""

    def _room(self, wanted: Callable[[], bool]) -> int:
        """Frames the device takes now, once it takes any; 0 when no longer wanted.

        Polled rather than blocking in PortAudio, so that a stop is answered while the
        device takes nothing.
        """
        while wanted():
            room = self._stream.write_available
            if room > 0:
                return room
            if self.stalled:
                raise DeviceStalled(self.error)
            time.sleep(BLOCK_S / 4)
        return 0

    @property
    def stalled(self) -> bool:
        """The device has taken no audio for ``stall_s`` while audio waits for it."""
        since = self._waiting_since
        return since is not None and time.monotonic() - since > self.stall_s

    def _watch(self) -> None:
        """Report a device that takes no audio (at once, not when the wait ends).

        The stream is not aborted from here: PortAudio's blocking API is not safe to abort
        while a write waits in it (seen: a crash). The write ends when the device takes
        audio again, or fails; the next entry then opens the device again.
        """
        reported = False
        while not self._closed:
            time.sleep(BLOCK_S * 5)
            if not self.stalled:
                reported = False
                continue
            if not reported:
                reported = True
                self.error = (
                    f"audio device {self.device_name!r} took no audio for {self.stall_s:g} s"
                )
                LOG.error("%s", self.error)
