# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The engine as the speaker sees it, speaking through synthesis servers: no torch.

A text is planned here as the engine would (:mod:`.chunk_plan`, from the server's voice
listing); each chunk is one request (:mod:`.server_pool`), cross-faded onto the last as
the engine joins them, so speech streams and stays gapless. When no server answers, the
rest of the text is said by the local engine when there is one, else by the fallback
voice, so no text is lost; the next text tries the servers again.
"""

from __future__ import annotations

import functools
import logging
import random
import threading
import time
from typing import Iterator, List, Optional

import numpy as np

from ishowtts_ros.engine.config import EngineConfig, SynthesisSettings
from ishowtts_ros.engine.errors import SynthesisCancelled
from ishowtts_ros.engine.joining import AudioChunk, CrossFade
from ishowtts_ros.engine.planning import ChunkPlan
from ishowtts_ros.engine.text import preview
from ishowtts_ros.serve.chunk_plan import SAMPLE_RATE, ChunkPlanner
from ishowtts_ros.serve.client_requests import chunk_request, clip_request
from ishowtts_ros.serve.server_pool import NoServerAnswered, ServerPool

LOG = logging.getLogger(__name__)


class RemoteEngine:
    """Says texts through ``pool``'s servers; ``fallback`` (or ``local``) when none answers.

    ``fallback``: a voice with ``synthesize(text, language)`` (espeak-ng); ``local``: an
    :class:`~ishowtts_ros.engine.Engine`, preferred to it (set once it has loaded).
    """

    runtime = None  # nothing compiles here
    phrases = None

    def __init__(self, config: EngineConfig, pool: ServerPool, fallback=None):
        self.config = config
        self.settings = config.synthesis()
        self.pool = pool
        self.fallback = fallback
        self.local = None
        self.sample_rate = SAMPLE_RATE  # the fallback voice is made at this rate, listing or not
        self.last_server = ""
        self.said_without_server = 0  # texts (or their ends) said by the local engine or voice
        self._planner: Optional[ChunkPlanner] = None
        self._lock = threading.Lock()

    @property
    def planner(self) -> Optional[ChunkPlanner]:
        """Chunks for the voices the servers listed last; None until one answered."""
        listing = self.pool.listing
        with self._lock:
            if listing is not None and (
                self._planner is None or self._planner.listing is not listing
            ):
                self._planner = ChunkPlanner(self.config, listing)
            return self._planner

    @property
    def hop_length(self) -> int:
        planner = self.planner
        return planner.hop_length if planner else 256

    @property
    def voices(self) -> dict:
        planner = self.planner
        return dict(planner.voices) if planner else {}

    @property
    def voice_errors(self) -> dict:
        listing = self.pool.listing
        return dict(listing.get("unusable", {})) if listing else {}

    @property
    def default_voice(self) -> Optional[str]:
        listing = self.pool.listing
        return listing["default"] if listing else None

    def use_local(self, engine, speaker, fill_cache=None) -> None:
        """Say texts no server answers for with ``engine``, warmed up by ``speaker`` when idle."""
        speaker.idle_work.add_warmup(engine.warmup_steps(), fill_cache)
        self.local = engine

    def warmup_steps(self) -> list:
        return []  # the servers warm themselves up

    def plan(
        self,
        text: str,
        voice_id: Optional[str] = None,
        settings: Optional[SynthesisSettings] = None,
        continuing: bool = False,
    ) -> List[ChunkPlan]:
        """``text``'s chunks with their lengths; one of unknown length before any listing."""
        planner = self.planner
        if planner is None:
            return [ChunkPlan(text, [], 0, 0)]
        return planner.plans(text, voice_id, not continuing, settings or self.settings)

    def synthesize_stream(
        self,
        text: str,
        voice_id: Optional[str] = None,
        settings: Optional[SynthesisSettings] = None,
        *,
        cancel: Optional[threading.Event] = None,
        continuing: bool = False,
    ) -> Iterator[AudioChunk]:
        """Yield ``text``'s speech chunk by chunk, one request each (see the module)."""
        settings = settings or self.settings
        if self.planner is None:
            self.pool.wait_for_first_answers(cancel)
        planner = self.planner
        if planner is None:
            reason = "; ".join(self.pool.problems()) or "no synthesis server answered yet"
            yield from self._fall_back([text], voice_id, settings, cancel, continuing, reason)
            return
        voice = voice_id or planner.listing["default"]
        chunks = planner.chunks(text, voice, not continuing, settings)
        seed = settings.seed if settings.seed >= 0 else random.randrange(2**31)
        fader = CrossFade(int(self.config.cross_fade_s * planner.sample_rate))
        for index, chunk in enumerate(chunks):
            started = time.perf_counter()
            request = functools.partial(self._inputs, chunk, voice, seed + index, settings)
            try:
                wave, self.last_server = self.pool.infer(request, cancel)
            except NoServerAnswered as exc:
                tail = fader.add(np.zeros(0, np.float32), True)  # what the last chunk held back
                if tail.size:
                    yield AudioChunk(tail, planner.sample_rate, "", index, False)
                rest = chunks[index:]
                yield from self._fall_back(rest, voice, settings, cancel, True, str(exc), index)
                return
            is_last = index == len(chunks) - 1
            samples = fader.add(wave.astype(np.float32), is_last)
            synthesis_s = time.perf_counter() - started
            yield AudioChunk(samples, planner.sample_rate, chunk, index, is_last, synthesis_s)

    def _inputs(self, chunk: str, voice: str, seed: int, settings, server) -> list:
        """Return the request for ``server``: upstream's inputs (a clip) if it lists no voices."""
        if server.upstream:
            return clip_request(chunk, *self.pool.robot["clips"][voice])
        return chunk_request(chunk, voice, seed, settings.nfe_step, settings.speed)

    def _fall_back(
        self,
        chunks: List[str],
        voice_id: Optional[str],
        settings: SynthesisSettings,
        cancel,
        continuing: bool,
        reason: str,
        first_index: int = 0,
    ) -> Iterator[AudioChunk]:
        """Say ``chunks`` without a server: the local engine, else the fallback voice."""
        text = " ".join(chunks)
        if self.local is None and self.fallback is None:
            raise NoServerAnswered(f"{reason}; no local engine or fallback voice to say it")
        self.said_without_server += 1
        if self.local is not None:
            LOG.warning(
                "no synthesis server answered (%s): the local engine says %s",
                reason,
                preview(text),
            )
            voice = voice_id if voice_id in self.local.voices else None
            yield from self.local.synthesize_stream(
                text, voice, settings, cancel=cancel, continuing=continuing
            )
            return
        LOG.warning(
            "no synthesis server answered (%s): %s says %s",
            reason,
            self.fallback.name,
            preview(text),
        )
        for index, chunk in enumerate(chunks, first_index):
            if cancel is not None and cancel.is_set():
                raise SynthesisCancelled("stopped")
            started = time.perf_counter()
            samples = self.fallback.synthesize(chunk, settings.language)
            is_last = index == first_index + len(chunks) - 1
            synthesis_s = time.perf_counter() - started
            yield AudioChunk(
                samples, self.fallback.sample_rate, chunk, index, is_last, synthesis_s
            )
