# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The engine: load once, then turn text into 24 kHz speech in a cloned voice.

``Engine.load`` does all slow I/O. ``synthesize_stream`` yields one :class:`AudioChunk`
per text chunk, cross-faded with its neighbours exactly as upstream's
``infer_batch_process`` joins them; ``synthesize`` is that stream joined.

Shapes: mel tensors are ``[1, n, d]`` (frames, 100 bins); waves ``[nw]`` float32.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Optional

import numpy as np
import torch

from ishowtts_ros import __version__ as ENGINE_VERSION
from ishowtts_ros.engine import loading
from ishowtts_ros.engine.model_spec import load_model_spec
from ishowtts_ros.engine.config import EngineConfig, SynthesisSettings
from ishowtts_ros.engine.device import resolve_device, resolve_dtype
from ishowtts_ros.engine.errors import EngineError, TextError, UnknownVoice, VoiceError
from ishowtts_ros.engine.optimize import Runtime
from ishowtts_ros.engine.normalize import TextNormalizer
from ishowtts_ros.engine.phrase_cache import PhraseCache, file_identity, phrase_key
from ishowtts_ros.engine.text_plan import text_chunks, words_for
from ishowtts_ros.engine.reference import (
    Reference,
    ReferenceCache,
    model_ref_text,
    prepare_ref_text,
)
from ishowtts_ros.engine.registry import VoiceSpec, load_voice_registry, read_phrases_file
from ishowtts_ros.engine.warmup import WarmupStep, warmup_steps

LOG = logging.getLogger(__name__)
SHORT_CHUNK_BYTES = 10
SHORT_CHUNK_SPEED = 0.3  # upstream slows chunks under 10 bytes down, or they come out rushed


@dataclass
class AudioChunk:
    """Speech for one text chunk: float32 mono samples in [-1, 1]."""

    samples: np.ndarray
    sample_rate: int
    text: str
    index: int = 0
    is_last: bool = True
    synthesis_s: float = 0.0
    """Wall time spent producing this chunk."""
    from_cache: bool = False
    """Said before: taken from the phrase cache, not synthesised."""

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.sample_rate


@dataclass
class Voice:
    """A registered voice with its reference prepared for the model."""

    spec: VoiceSpec
    ref_text: str
    reference: Reference
    mel: torch.Tensor = field(repr=False)


@dataclass
class ChunkPlan:
    """What one model call generates: its text, token ids and length in frames."""

    text: str
    tokens: List[str]
    duration: int
    ref_frames: int


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
        self.references = ReferenceCache(
            self.sample_rate, config.target_rms, config.max_ref_seconds
        )
        self.voices: Dict[str, Voice] = {}
        self.voice_errors: Dict[str, str] = {}
        self.phase_times: Optional[Dict[str, float]] = None
        """Seconds per phase accumulate here when set to a dict: normalise (words, chunks),
        plan (tokens and lengths), tokens (to the device), steps (the flow), vocoder, copy
        out (loudness, to the host, cross-fade)."""
        self.warmup_s = 0.0
        self.noise_dtype = dtype
        """Initial noise is drawn in this dtype: the model's, as upstream draws it. A seed
        gives other noise at another dtype; to compare precisions on the same noise, set
        it to ``torch.float32`` on both engines."""
        self.phrases: Optional[PhraseCache] = None
        if config.phrase_cache_mb:
            self.phrases = PhraseCache(config.phrase_cache_mb * 2**20, config.phrase_cache_dir)
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
        started = time.perf_counter()
        for step in self.warmup_steps():
            step()
        self.warmup_s = time.perf_counter() - started
        compiled, buckets = self.runtime.compile_progress()
        LOG.info(
            "warmed up in %.1f s (%d of %d buckets compiled%s)",
            self.warmup_s,
            compiled,
            buckets,
            f"; compiling failed: {self.runtime.health.error}"
            if self.runtime.health.error
            else "",
        )
        return self.warmup_s

    @property
    def dtype_name(self) -> str:
        return str(self.dtype).replace("torch.", "")

    @property
    def default_voice(self) -> Optional[str]:
        """The first usable voice of the registry."""
        return next(iter(self.voices), None)

    def set_voices(self, specs: List[VoiceSpec]) -> None:
        """Make ``specs`` the voices, all at once; a voice that fails is in ``voice_errors``.

        A clip is prepared once per file content: a voice whose clip did not change costs
        nothing, one whose clip changed is prepared again.
        """
        voices: Dict[str, Voice] = {}
        errors: Dict[str, str] = {}
        for spec in specs:
            try:
                voices[spec.id] = self._prepare_voice(spec)
            except (EngineError, OSError, ValueError) as exc:
                errors[spec.id] = str(exc)
                LOG.error("voice %r unusable: %s", spec.id, exc)
                LOG.debug("traceback", exc_info=True)
        self.voices, self.voice_errors = voices, errors  # texts see the old or the new set

    def _prepare_voice(self, spec: VoiceSpec) -> Voice:
        reference = self.references.get(spec.ref_audio)
        wave = torch.from_numpy(reference.samples).to(self.device)[None, :]
        with torch.inference_mode():
            mel = self.cfm.mel_spec(wave).permute(0, 2, 1).to(self.dtype)
        # The reference text reads as the texts it is spoken with do.
        ref_text = prepare_ref_text(words_for(spec.ref_text, self.normalizer, self.settings))
        return Voice(spec, ref_text, reference, mel)

    def get_voice(self, voice_id: Optional[str]) -> Voice:
        """Look a voice up; ``None`` means the default voice."""
        voice_id = voice_id or self.default_voice
        if voice_id is None:
            problems = "; ".join(f"{k}: {v}" for k, v in self.voice_errors.items())
            raise VoiceError(f"no usable voice ({problems or 'the registry is empty'})")
        if voice_id in self.voices:
            return self.voices[voice_id]
        if voice_id in self.voice_errors:
            raise VoiceError(f"voice {voice_id!r} is unusable: {self.voice_errors[voice_id]}")
        raise UnknownVoice(
            f"unknown voice {voice_id!r} (known: {', '.join(self.voices) or 'none'})"
        )

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
        speed = settings.speed * voice.spec.speed
        with self._phase("normalise"):
            chunks = self._chunk_texts(text, voice, settings, continuing)
        with self._phase("plan"):
            return self._plan_chunks(text, chunks, voice, speed)

    def _plan_chunks(self, text: str, chunks: List[str], voice: Voice, speed: float):
        from f5_tts.model.utils import convert_char_to_pinyin

        reference = voice.reference
        ref_text = model_ref_text(voice.ref_text)
        ref_frames = len(reference.samples) // self.hop_length
        mel_frames = voice.mel.shape[1]
        ref_bytes = len(ref_text.encode("utf-8"))
        plans = []
        for chunk in chunks:
            gen_bytes = len(chunk.encode("utf-8"))
            local_speed = SHORT_CHUNK_SPEED if gen_bytes < SHORT_CHUNK_BYTES else speed
            tokens = convert_char_to_pinyin([ref_text + chunk])[0]
            duration = ref_frames + int(ref_frames / ref_bytes * gen_bytes / local_speed)
            # CFM.sample's floor: at least the text and the reference, plus one frame.
            duration = max(max(len(tokens), mel_frames) + 1, duration)
            plans.append(ChunkPlan(chunk, tokens, duration, ref_frames))
        if not plans:
            raise TextError(f"nothing speakable in text {text!r}")
        return plans

    def _chunk_texts(
        self, text: str, voice: "Voice", settings: SynthesisSettings, continuing: bool = False
    ) -> List[str]:
        return text_chunks(
            text,
            self.vocab,
            self.normalizer,
            settings,
            voice.ref_text,
            voice.reference.source_seconds,
            settings.speed * voice.spec.speed,
            0 if continuing else self.config.first_chunk_max_bytes,
        )

    def estimate_seconds(
        self,
        text: str,
        voice_id: Optional[str] = None,
        settings: Optional[SynthesisSettings] = None,
    ) -> float:
        """Length of the speech ``synthesize`` will return for ``text``."""
        fade = int(self.config.cross_fade_s * self.sample_rate)
        joined = 0
        for plan in self.plan(text, voice_id, settings):
            length = (plan.duration - plan.ref_frames) * self.hop_length
            joined += length - min(fade, joined, length)
        return joined / self.sample_rate

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
        if self.phrases is None or not use_phrase_cache or continuing:
            yield from self._synthesize(text, voice, settings, cancel, continuing)
            return
        key = self._phrase_key(text, voice, settings)
        cached = self.phrases.get(key)
        if cached is not None:  # said before: the first rendition again, at once
            chunks, rate = cached
            for index, (samples, chunk_text) in enumerate(chunks):
                is_last = index == len(chunks) - 1
                yield AudioChunk(samples, rate, chunk_text, index, is_last, from_cache=True)
            return
        kept = []
        for chunk in self._synthesize(text, voice, settings, cancel):
            kept.append((chunk.samples, chunk.text))
            yield chunk
        self.phrases.put(key, kept, self.sample_rate)

    def preload(self, phrases: List[str], phrases_file: str = "") -> int:
        """Say ``phrases`` (default voice) and a YAML file's ``{voice: [phrase]}`` into the cache.

        A phrase that fails is logged and skipped; returns how many were cached.
        """
        if self.phrases is None:
            return 0
        wanted = [(None, phrase) for phrase in phrases]
        if phrases_file:
            wanted += read_phrases_file(phrases_file)
        cached = 0
        for voice_id, phrase in wanted:
            try:
                self.synthesize(phrase, voice_id)
                cached += 1
            except EngineError as exc:
                LOG.warning("phrase %r not preloaded: %s", phrase, exc)
        if wanted:
            LOG.info("preloaded %d of %d phrases", cached, len(wanted))
        return cached

    def _phrase_key(self, text: str, voice: "Voice", settings: SynthesisSettings) -> str:
        """Everything that changes the sound of ``text``: a phrase cache key."""
        chunks = self._chunk_texts(text, voice, settings)
        sound = dataclasses.asdict(settings)
        sound["seed"] = settings.seed if settings.seed >= 0 else "random"
        return phrase_key(
            {
                "engine": ENGINE_VERSION,
                "weights": self.model_identity,
                "voice": [voice.reference.digest, voice.ref_text, voice.spec.speed],
                "chunks": chunks,
                "settings": sound,
                "runtime": [self.device.type, self.dtype_name, self.runtime.compile_mode],
                "config": [self.config.target_rms, self.config.cross_fade_s],
            }
        )

    def _synthesize(
        self, text: str, voice: "Voice", settings: SynthesisSettings, cancel, continuing=False
    ) -> Iterator[AudioChunk]:
        plans = self.plan(text, voice.spec.id, settings, continuing)
        # One generator per utterance: its chunks draw fresh noise in order, as upstream's
        # after torch.manual_seed(seed).
        seed = settings.seed if settings.seed >= 0 else random.randrange(2**31)
        noise = torch.Generator(self.device).manual_seed(seed)
        fade = int(self.config.cross_fade_s * self.sample_rate)
        held = np.zeros(0, dtype=np.float32)  # not yet emitted end of the joined wave
        joined_length = 0
        for index, plan in enumerate(plans):
            started = time.perf_counter()
            wave = self._generate(voice, plan, settings, noise, cancel)
            with self._phase("copy out"):
                overlap = min(fade, joined_length, len(wave))
                if overlap:
                    mixed = held[-overlap:] * np.linspace(1, 0, overlap) + wave[
                        :overlap
                    ] * np.linspace(0, 1, overlap)
                    wave = np.concatenate(
                        [held[:-overlap], mixed.astype(np.float32), wave[overlap:]]
                    )
                else:
                    wave = np.concatenate([held, wave])
                joined_length += len(wave) - len(held)
                is_last = index == len(plans) - 1
                keep = 0 if is_last else min(fade, joined_length)
                held = wave[len(wave) - keep :]
            yield AudioChunk(
                wave[: len(wave) - keep],
                self.sample_rate,
                plan.text,
                index,
                is_last,
                time.perf_counter() - started,
            )

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
        noise: torch.Generator,
        cancel: Optional[threading.Event] = None,
    ) -> torch.Tensor:
        """Integrate the flow for one chunk; return its generated mel ``[1, d, n]``."""
        with self._phase("tokens"):
            text = self.runtime.io.tokens([self.vocab.get(token, 0) for token in plan.tokens])
        self.runtime.compile_for(plan.duration)
        with self._phase("steps"):
            mel = self.runtime.sampler.sample(
                voice.mel,
                text,
                plan.duration,
                nfe_step=settings.nfe_step,
                cfg_strength=settings.cfg_strength,
                sway_sampling_coef=settings.sway_sampling_coef,
                noise=noise,
                noise_dtype=self.noise_dtype,
                cfg_steps=settings.cfg_steps,
                cancel=cancel,
            )
        return mel[:, plan.ref_frames :, :].permute(0, 2, 1)

    def _generate(
        self,
        voice: Voice,
        plan: ChunkPlan,
        settings: SynthesisSettings,
        noise: torch.Generator,
        cancel: Optional[threading.Event],
    ) -> np.ndarray:
        """One model call: the chunk's wave, without the reference part."""
        io = self.runtime.io
        with io.stream_context():
            mel = self.sample_mel(voice, plan, settings, noise, cancel)
            with self._phase("vocoder"):
                wave = self.runtime.decoder(mel)[0]
            with self._phase("copy out"):
                source_rms, target_rms = voice.reference.source_rms, self.config.target_rms
                if source_rms < target_rms:  # give the voice back its own loudness
                    wave = wave * (source_rms / target_rms)
                return io.to_numpy(wave)

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
