# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The worker that speaks queued texts: synthesis streamed to the audio outputs.

Outputs ("sinks") get each chunk as soon as it exists: local playback runs in a thread
of its own, so synthesis of the next chunk overlaps playback of this one. Every text
ends as spoken, dropped (with a reason) or failed (with the error), in the statistics.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Callable, List, Optional, Protocol

import numpy as np

from ishowtts_ros.engine.text import preview
from ishowtts_ros.speech.memory import release_free_memory
from ishowtts_ros.speech.queue import TextQueue, Utterance
from ishowtts_ros.speech.stats import SpeechStats

LOG = logging.getLogger(__name__)
POLL_S = 0.05
DRAIN_TIMEOUT_S = 600.0


class Sink(Protocol):
    """An audio output."""

    error: str
    """What failed last, until the output works again ("" = working)."""

    def begin(self, utterance: Utterance) -> None: ...

    def write(self, samples: np.ndarray, sample_rate: int) -> None: ...

    def drain(self, timeout: float) -> bool:
        """Wait until the written audio has been heard; False on timeout."""

    def stop(self) -> None: ...

    def close(self) -> None: ...


class Speaker:
    """Takes texts from the queue and speaks them, one at a time, until closed."""

    def __init__(
        self,
        queue: TextQueue,
        stats: SpeechStats,
        sinks: List[Sink],
        on_speaking: Callable[[bool], None],
        volume: Callable[[], float],
        synthesis: Callable[[], object],
    ):
        """``volume`` and ``synthesis`` (the engine's per-call settings) are read per text."""
        self.queue = queue
        self.stats = stats
        self.sinks = sinks
        self.on_speaking = on_speaking
        self.volume = volume
        self.synthesis = synthesis
        self.engine = None
        self._engine_known = threading.Event()  # texts wait in the queue until it is set
        self._lock = threading.Lock()
        self._current: Optional[Utterance] = None
        self._cancel = threading.Event()  # of the current utterance
        self._cutoff = 0.0  # texts received before this (monotonic) are not to be spoken
        self._closed = threading.Event()
        self._speaking = False
        self._thread = threading.Thread(target=self._run, name="speaker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def engine_loaded(self, engine) -> None:
        """Start speaking the queued texts with ``engine``."""
        self.engine = engine
        with self.stats.lock:
            self.stats.engine_state = "ready"
        self._engine_known.set()

    def engine_failed(self, reason: str) -> None:
        """Drop the queued texts (and later ones) with ``reason``: nothing can speak them."""
        with self.stats.lock:
            self.stats.engine_state, self.stats.engine_error = "failed", reason
        self._engine_known.set()

    def interrupt_for(self, unless: Utterance) -> None:
        """Interrupt for ``unless``: cut every older text, spoken, playing or just taken."""
        with self._lock:
            self._cutoff = max(self._cutoff, unless.received)
            if self._current is unless:
                return  # the new text is already speaking: nothing older is left
            self._cancel.set()
        for sink in self.sinks:
            sink.stop()

    def stop_all(self) -> None:
        """Stop speaking now; a text taken from the queue a moment ago is not spoken either."""
        with self._lock:
            self._cutoff = time.monotonic()
            self._cancel.set()
        for sink in self.sinks:
            sink.stop()

    def close(self, timeout: float = 2.0) -> None:
        self._closed.set()
        self._engine_known.set()
        self.stop_all()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._closed.is_set():
            if not self._engine_known.wait(POLL_S):
                continue
            item = self.queue.get(timeout=POLL_S)
            if item is None:
                self._set_speaking(False)
                continue
            if self.engine is None:
                self._drop(item, f"engine not loaded: {self.stats.engine_error}")
                continue
            with self._lock:
                stopped = item.received < self._cutoff
                if not stopped:
                    self._current, self._cancel = item, threading.Event()
            if stopped:  # taken from the queue just before a stop or an interrupt
                self._drop(item, "stopped before it was spoken")
                continue
            try:
                self._speak(item, self._cancel)
            finally:
                with self._lock:
                    self._current = None
            if len(self.queue) == 0:
                for sink in self.sinks:
                    sink.drain(DRAIN_TIMEOUT_S)
                if len(self.queue) == 0:
                    self._set_speaking(False)
                    release_free_memory()  # idle: a good moment to give memory back

    def _speak(self, item: Utterance, cancel: threading.Event) -> None:
        from ishowtts_ros.engine.errors import EngineError, SynthesisCancelled, TextError

        started = time.monotonic()
        first_audio: Optional[float] = None
        synthesis_s = audio_s = 0.0
        try:
            for sink in self.sinks:
                sink.begin(item)
            chunks = self.engine.synthesize_stream(
                item.text, item.voice, self.synthesis(), cancel=cancel
            )
            for chunk in chunks:
                if cancel.is_set():
                    raise SynthesisCancelled("stopped")
                if first_audio is None:
                    first_audio = time.monotonic() - started
                    self._set_speaking(True)
                samples = chunk.samples * self.volume()
                for sink in self.sinks:
                    sink.write(samples, chunk.sample_rate)
                synthesis_s += chunk.synthesis_s
                audio_s += chunk.seconds
        except SynthesisCancelled:
            LOG.info("stopped speaking %s", preview(item.text))
            self.stats.count("dropped", error="stopped while speaking")
            return
        except TextError as exc:
            self._drop(item, str(exc))
            return
        except EngineError as exc:  # a clear reason (unusable voice, missing file)
            LOG.error("synthesis failed for %s: %s", preview(item.text), exc)
            LOG.debug("traceback", exc_info=True)
            self.stats.record_failure(f"{type(exc).__name__}: {exc}")
            return
        except Exception as exc:  # a bug or a broken device: one bad text must not end the service
            LOG.exception("synthesis failed for %s", preview(item.text))
            self.stats.record_failure(f"{type(exc).__name__}: {exc}")
            return
        self.stats.record_utterance(synthesis_s / audio_s if audio_s else 0.0, first_audio or 0.0)

    def _drop(self, item: Utterance, reason: str) -> None:
        LOG.warning("dropped %s: %s", preview(item.text), reason)
        self.stats.count("dropped", error=reason)

    def _set_speaking(self, speaking: bool) -> None:
        if speaking != self._speaking:
            self._speaking = speaking
            self.on_speaking(speaking)
