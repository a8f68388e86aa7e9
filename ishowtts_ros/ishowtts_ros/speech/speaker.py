# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The worker that speaks queued texts, a bounded distance ahead of the listener.

Its thread takes a text from the queue when the look-ahead has room (see
:mod:`.in_flight`, which keeps every taken text in one place, and cuts them), says it
(:mod:`.saying`) and ends it as spoken once the outputs have played it. So the next text
is ready when this one ends (no gap), while the others stay in the queue, where its
policy acts.

The speaker's thread is the engine's one owner after loading: it runs the warm-up
(compiling, CUDA graphs) one step at a time whenever nothing waits or plays, and every
synthesis. Until an engine is loaded, or when it failed to load, the fallback voice
(when there is one) says the texts.
"""

from __future__ import annotations

import collections
import logging
import threading
from concurrent import futures
from typing import Callable, Deque, List, Optional, Tuple

from ishowtts_ros.engine.text import preview
from ishowtts_ros.speech import saying
from ishowtts_ros.speech.fallback_voice import FallbackError
from ishowtts_ros.speech.hearing import Sink
from ishowtts_ros.speech.idle_work import IdleWork
from ishowtts_ros.speech.in_flight import LOOKAHEAD_S, POLL_S, InFlight
from ishowtts_ros.speech.queue import TextQueue, Utterance
from ishowtts_ros.speech.saying import Stopped
from ishowtts_ros.speech.stats import SpeechStats

LOG = logging.getLogger(__name__)


class Speaker(InFlight):
    """Takes texts from the queue and speaks them, in order, until closed."""

    def __init__(
        self,
        queue: TextQueue,
        stats: SpeechStats,
        sinks: List[Sink],
        on_speaking: Callable[[bool], None],
        synthesis_settings: Callable[[], object],
        fallback=None,
        lookahead_s: Callable[[], float] = lambda: LOOKAHEAD_S,
    ):
        """Read ``synthesis_settings`` and ``lookahead_s`` per text; volume is the outputs'.

        ``fallback``: the voice of texts while no engine can speak (see
        :mod:`.fallback_voice`); None keeps them waiting while the engine loads.
        """
        super().__init__(queue, stats, sinks, on_speaking, lookahead_s)
        self.settings = synthesis_settings
        self.fallback = fallback
        self.engine = None
        self.idle_work = IdleWork()
        self._engine_known = threading.Event()  # without a fallback, texts wait until set
        self._jobs: Deque[Tuple[Callable, futures.Future]] = collections.deque()
        self._thread = threading.Thread(target=self._run, name="speaker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    @property
    def warming_up(self) -> bool:
        """Warm-up steps are left (they run whenever nothing waits or plays)."""
        return self.idle_work.warming_up

    def engine_loaded(self, engine, fill_cache=None) -> None:
        """Speak with ``engine`` from now on, and warm it up while idle.

        ``fill_cache`` starts a child process that compiles into the cache (see
        :mod:`.idle_work`); None compiles in this process, a step at a time.
        """
        self.idle_work.add_warmup(engine.warmup_steps(), fill_cache)
        self.engine = engine
        with self.stats.lock:
            self.stats.engine_state = "ready"
        self._engine_known.set()

    def engine_failed(self, reason: str) -> None:
        """Drop the queued texts (and later ones) with ``reason``: nothing can speak them."""
        with self.stats.lock:
            self.stats.engine_state, self.stats.engine_error = "failed", reason
        self._engine_known.set()

    def on_speaker_thread(self, work: Callable, timeout: float):
        """Run ``work`` on the speaker's thread, the engine's one owner, between chunks.

        Return its result (or raise its error); wait at most ``timeout`` for it to start.
        """
        if not self._thread.is_alive():
            return work()
        job: futures.Future = futures.Future()
        with self._lock:
            self._jobs.append((work, job))
        try:
            return job.result(timeout)
        except futures.TimeoutError:
            if job.cancel():
                raise TimeoutError(f"the speaker did not take it within {timeout:.0f} s") from None
            return job.result()  # it started: it ends within one step

    def close(self, timeout: float = 2.0) -> None:
        """Stop speaking and end the speaker thread (waiting ``timeout`` for its step)."""
        self._closed.set()
        self._engine_known.set()
        self.stop_all("the node is shutting down", "the node is shutting down")
        self.idle_work.close()
        self._thread.join(timeout)
        with self._lock:  # none is left waiting
            while self._jobs:
                job = self._jobs.popleft()[1]
                if job.set_running_or_notify_cancel():
                    job.set_exception(RuntimeError("the speaker has stopped"))
        with self._lock:
            self._set_speaking(False)  # the thread may have ended before it could say so

    # -- the thread -----------------------------------------------------------------------

    def _run(self) -> None:
        while not self._closed.is_set():
            try:
                self._step()
            except Exception:  # a bug must not end the service: the next text is spoken
                LOG.exception("the speaker failed; it goes on with the next text")

    def between_chunks(self) -> None:
        self._run_jobs()

    def _run_jobs(self) -> None:
        while True:
            with self._lock:
                if not self._jobs:
                    return
                work, job = self._jobs.popleft()
            if job.set_running_or_notify_cancel():
                try:
                    job.set_result(work())
                except Exception as exc:  # the caller gets it
                    job.set_exception(exc)

    def _step(self) -> None:
        self._run_jobs()
        if self.fallback is None and not self._engine_known.wait(POLL_S):
            return
        item = self._take(0 if self.idle_work.step_ready and self._idle() else POLL_S)
        if item is None:
            self._when_idle()
            return
        try:
            if self.engine is None and item.sound is None and self.fallback is None:
                self._drop(item, f"engine not loaded: {self.stats.engine_error}")
            else:
                self._speak(item)
        finally:
            with self._lock:
                self._current = None
            self.idle_work.busy()

    def _take(self, timeout: float) -> Optional[Utterance]:
        """Take the next text once the look-ahead has room for it; current from then on."""
        if not self.queue.wait(timeout):
            return None
        with self._lock:
            if not self.hearing.changed.wait_for(self._may_look_ahead, timeout):
                return None
            item = self.queue.take()
            if item is not None:
                self._current, self._cancel = item, threading.Event()
            return item

    def _when_idle(self) -> None:
        """No text waits: warm up, or say that speaking ended, or give memory back."""
        with self._lock:
            if self._current is not None or self._unheard:
                return  # audio still plays
            self._speaking_unless_busy()  # before a warm-up step: steps can take seconds
        self.idle_work.run()

    # -- speaking one utterance -------------------------------------------------------------

    def _speak(self, item: Utterance) -> None:
        from ishowtts_ros.engine.errors import (
            EngineError,
            SynthesisCancelled,
            TextError,
            UnknownVoice,
        )

        fallback = self.engine is None and item.sound is None
        try:
            timing = saying.say(self, item, self._cancel)
        except (SynthesisCancelled, Stopped):
            with self._lock:
                if not item.cut:  # the speaker closed: nothing else accounts for it
                    self._end(item, "dropped", "stopped while speaking")
            return
        except (TextError, UnknownVoice) as exc:  # nothing to say, or its voice is gone
            self._drop(item, str(exc))
            return
        except (EngineError, FallbackError) as exc:  # a clear reason (missing file, no voice)
            LOG.error("synthesis failed for %s: %s", preview(item.text), exc)
            LOG.debug("traceback", exc_info=True)
            self._fail(item, f"{type(exc).__name__}: {exc}")
            return
        except Exception as exc:  # a bug or a broken device: one bad text must not end the service
            LOG.exception("synthesis failed for %s", preview(item.text or item.key))
            self._fail(item, f"{type(exc).__name__}: {exc}")
            return
        if fallback:
            self.stats.count("fallback_spoken")
        self._when_heard(item, timing)
