# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The engine: load once, then turn text into 24 kHz speech in a cloned voice.

``Engine.load`` does all slow I/O. ``synthesize_stream`` normalises and chunks a text
once, plans each chunk's length, and yields one :class:`AudioChunk` per chunk (joined by
:mod:`.joining`, replayed by :mod:`.phrases`); ``synthesize`` is that stream joined.

Shapes: mel tensors are ``[1, n, d]`` (frames, 100 bins); waves ``[nw]`` float32.
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
from typing import Dict, Iterator, List, Optional

import numpy as np
import torch

from ishowtts_ros.engine import loading
from ishowtts_ros.engine.config import EngineConfig, SynthesisSettings
from ishowtts_ros.engine.device import resolve_device, resolve_dtype
from ishowtts_ros.engine.joining import AudioChunk, CrossFade, joined_length
from ishowtts_ros.engine.model_call import ModelCall
from ishowtts_ros.engine.model_spec import load_model_spec
from ishowtts_ros.engine.normalize import TextNormalizer
from ishowtts_ros.engine.optimize import Runtime
from ishowtts_ros.engine.phrase_cache import PhraseCache, file_identity
from ishowtts_ros.engine.phrases import preload, said_again, utterance_key
from ishowtts_ros.engine.planning import ChunkPlan, Planner
from ishowtts_ros.engine.reference import ReferenceCache
from ishowtts_ros.engine.registry import VoiceSpec, load_voice_registry
from ishowtts_ros.engine.text_plan import clause_context_seconds, words_for
from ishowtts_ros.engine.voices import Voice, VoiceSet
from ishowtts_ros.engine.warmup import WarmupStep, warm_up, warmup_steps

LOG = logging.getLogger(__name__)


class Engine:
    """F5-TTS + Vocos behind a text-in, audio-out interface."""

    def __init__(
        self,
        config: EngineConfig,
        cfm,
        runtime: Runtime,
        vocab: Dict[str, int],
        mel_spec: dict,
        device: torch.device,
        dtype: torch.dtype,
    ):
        self.config = config
        self.settings = config.synthesis()
        """The settings of a call that brings none."""
        self.normalizer = TextNormalizer()
        self.cfm = cfm
        self.runtime = runtime
        self.vocab = vocab
        self.device = device
        self.dtype = dtype
        self.sample_rate = int(mel_spec["target_sample_rate"])
        self.hop_length = int(mel_spec["hop_length"])
        self._fade = int(config.cross_fade_s * self.sample_rate)
        context_s = clause_context_seconds(config.buckets, self.hop_length, self.sample_rate)
        self.planner = Planner(
            vocab,
            self.normalizer,
            config.first_chunk_max_bytes,
            context_s,
            self.hop_length,
            self._phase,
        )
        self.model_call = ModelCall(runtime, vocab, config.target_rms, self._phase)
        self.voice_set = VoiceSet(
            ReferenceCache(self.sample_rate, config.target_rms, config.max_ref_seconds),
            self._reference_mel,
            lambda text: words_for(text, self.normalizer, self.settings),
        )
        self.phase_times: Optional[Dict[str, float]] = None
        """Seconds per phase accumulate here when set to a dict: normalise (words, chunks),
        plan (tokens and lengths), tokens (to the device), steps (the flow), vocoder, copy
        out (loudness, to the host, cross-fade)."""
        self.warmup_s = 0.0
        self.noise_dtype = dtype
        """Initial noise is drawn in this dtype: the model's, as upstream draws it. A seed
        gives other noise at another dtype; to compare precisions on the same noise, set
        it to ``torch.float32`` on both engines."""
        self.phrases: Optional[PhraseCache] = PhraseCache.configured(config)
        self.model_identity: dict = {"model": config.model}
        """What identifies the weights in a phrase's key (set by :meth:`load`)."""

    @classmethod
    def load(cls, config: EngineConfig) -> "Engine":
        """Load model, vocoder and voices. Voices that fail are logged in ``voice_errors``.

        The engine speaks at once, eagerly; :meth:`warm_up` (or :meth:`warmup_steps`, one
        at a time) compiles and prepares what a first text needs.
        """
        spec = load_model_spec(config.model)
        vocab = loading.load_vocab(config.vocab_file)
        ckpt = loading.resolve_checkpoint(spec.name, config.ckpt_file, config.allow_download)
        vocoder_files = loading.resolve_vocoder_dir(config.vocoder_dir, config.allow_download)
        voice_specs = load_voice_registry(config.voices_file)
        device = resolve_device(config.device)
        dtype = resolve_dtype(config.dtype, device)
        cfm = loading.build_cfm(spec, vocab)
        loading.load_weights(cfm, ckpt)
        cfm = cfm.to(device=device, dtype=dtype).eval()
        vocoder = loading.load_vocos(*vocoder_files).to(device)
        runtime = Runtime(config, cfm, vocoder, device, dtype)
        engine = cls(config, cfm, runtime, vocab, spec.mel, device, dtype)
        engine.model_identity = {
            "model": config.model,
            "files": [file_identity(path) for path in (ckpt, *vocoder_files, config.vocab_file)],
        }
        engine.set_voices(voice_specs)
        LOG.info(
            "engine loaded: %s on %s/%s, compile %s, voices %s",
            spec.name,
            device,
            engine.dtype_name,
            runtime.compile_mode or "none",
            ", ".join(engine.voices) or "none",
        )
        return engine

    def warmup_steps(self) -> List[WarmupStep]:
        """Warm-up, one step at a time (see :mod:`.warmup`); run them where texts are spoken."""
        return warmup_steps(self)

    def warm_up(self) -> float:
        """Run every warm-up step now; return the seconds it took."""
        self.warmup_s = warm_up(self)
        return self.warmup_s

    @property
    def dtype_name(self) -> str:
        return str(self.dtype).replace("torch.", "")

    @property
    def voices(self) -> Dict[str, Voice]:
        """Usable voices by id (see :class:`.voices.VoiceSet`)."""
        return self.voice_set.voices

    @property
    def voice_errors(self) -> Dict[str, str]:
        """Why each unusable voice of the registry is unusable."""
        return self.voice_set.errors

    @property
    def default_voice(self) -> Optional[str]:
        """The first usable voice of the registry."""
        return self.voice_set.default

    def set_voices(self, specs: List[VoiceSpec]) -> None:
        """Make ``specs`` the voices, all at once; a voice that fails is in ``voice_errors``."""
        self.voice_set.set(specs)

    def get_voice(self, voice_id) -> Voice:
        """Look a voice up by id; ``None`` means the default voice, a :class:`Voice` itself."""
        return self.voice_set.get(voice_id)

    def _reference_mel(self, samples: np.ndarray) -> torch.Tensor:
        wave = torch.from_numpy(samples).to(self.device)[None, :]
        with torch.inference_mode():
            return self.cfm.mel_spec(wave).permute(0, 2, 1).to(self.dtype)

    def plan(
        self,
        text: str,
        voice_id: Optional[str] = None,
        settings: Optional[SynthesisSettings] = None,
        continuing: bool = False,
    ) -> List[ChunkPlan]:
        """Normalise and chunk ``text``, and size each chunk as upstream does.

        ``continuing``: no short first chunk (see :meth:`synthesize_stream`).
        """
        voice = self.get_voice(voice_id)
        settings = settings or self.settings
        chunks = self.planner.chunks(text, voice, settings, continuing)
        return self.planner.plans(text, chunks, voice, settings)

    def estimate_seconds(
        self,
        text: str,
        voice_id: Optional[str] = None,
        settings: Optional[SynthesisSettings] = None,
    ) -> float:
        """Length of the speech ``synthesize`` will return for ``text``."""
        plans = self.plan(text, voice_id, settings)
        lengths = [(plan.duration - plan.ref_frames) * self.hop_length for plan in plans]
        return joined_length(lengths, self._fade) / self.sample_rate

    def synthesize_stream(
        self,
        text: str,
        voice_id: Optional[str] = None,
        settings: Optional[SynthesisSettings] = None,
        *,
        seed: Optional[int] = None,
        cancel: Optional[threading.Event] = None,
        use_phrase_cache: bool = True,
        continuing: bool = False,
    ) -> Iterator[AudioChunk]:
        """Yield speech chunk by chunk; each chunk's end is held back to cross-fade the next.

        ``settings`` are this call's (default: the config's); ``seed`` overrides theirs.
        ``cancel`` stops synthesis between model steps with
        :class:`~ishowtts_ros.engine.errors.SynthesisCancelled`. ``use_phrase_cache``
        False synthesises anew and keeps nothing. ``continuing``: the text goes on an
        utterance already speaking (a streamed reply), so its first chunk is not kept
        short.
        """
        settings = settings or self.settings
        if seed is not None:
            settings = settings.replace(seed=seed)
        voice = self.get_voice(voice_id)
        chunks = self.planner.chunks(text, voice, settings, continuing)
        synthesis = self._synthesize(text, chunks, voice, settings, cancel)
        if self.phrases is None or not use_phrase_cache or continuing:
            yield from synthesis
            return
        key = utterance_key(self, voice, chunks, settings)
        yield from said_again(self.phrases, key, synthesis, self.sample_rate)

    def preload(self, phrases: List[str], phrases_file: str = "") -> int:
        """Say ``phrases`` (default voice) and a YAML file's ``{voice: [phrase]}`` into the cache.

        A phrase that fails is logged and skipped; returns how many were cached.
        """
        if self.phrases is None:
            return 0
        return preload(self.synthesize, phrases, phrases_file)

    def _synthesize(
        self, text: str, chunks: List[str], voice: Voice, settings: SynthesisSettings, cancel
    ) -> Iterator[AudioChunk]:
        plans = self.planner.plans(text, chunks, voice, settings)
        # One generator per utterance: its chunks draw fresh noise in order, as upstream's
        # after torch.manual_seed(seed).
        seed = settings.seed if settings.seed >= 0 else random.randrange(2**31)
        generator = torch.Generator(self.device).manual_seed(seed)
        fader = CrossFade(self._fade)
        for index, plan in enumerate(plans):
            started = time.perf_counter()
            with self.runtime.io.stream_context():
                mel = self.sample_mel(voice, plan, settings, generator, cancel)
                wave = self.model_call.wave(voice, mel)
            is_last = index == len(plans) - 1
            with self._phase("copy out"):
                samples = fader.add(wave, is_last)
            synthesis_s = time.perf_counter() - started
            yield AudioChunk(samples, self.sample_rate, plan.text, index, is_last, synthesis_s)

    def synthesize(self, text: str, voice_id: Optional[str] = None, **kwargs) -> AudioChunk:
        """Return the whole utterance as one chunk."""
        chunks = list(self.synthesize_stream(text, voice_id, **kwargs))
        samples = np.concatenate([c.samples for c in chunks])
        return AudioChunk(
            samples,
            self.sample_rate,
            " ".join(c.text for c in chunks),
            synthesis_s=sum(c.synthesis_s for c in chunks),
        )

    def sample_mel(
        self,
        voice: Voice,
        plan: ChunkPlan,
        settings: SynthesisSettings,
        generator: torch.Generator,
        cancel: Optional[threading.Event] = None,
    ) -> torch.Tensor:
        """Integrate the flow for one chunk; return its generated mel ``[1, d, n]``."""
        return self.model_call.mel(voice, plan, settings, generator, self.noise_dtype, cancel)

    @contextlib.contextmanager
    def _phase(self, name: str):
        """Add the time of a phase to ``phase_times`` (when set), its device work included."""
        if self.phase_times is None:
            yield
            return
        started = time.perf_counter()
        with torch.profiler.record_function(f"ishowtts::{name}"):
            yield
            if self.runtime.io.stream is not None:
                self.runtime.io.stream.synchronize()
        self.phase_times[name] = self.phase_times.get(name, 0.0) + time.perf_counter() - started
