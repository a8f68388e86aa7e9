# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""What a benchmark run adds on request: phase profile, FLOP floor, listening samples."""

from __future__ import annotations

import os
import time
from typing import Dict

from ishowtts_ros.bench import measure, texts
from ishowtts_ros.engine.config import EngineConfig

SAMPLE_NFES = (5, 6, 7, 8, 16, 32)


def engine_ckpt(config: EngineConfig) -> str:
    from ishowtts_ros.engine import loading
    from ishowtts_ros.engine.model_spec import load_model_spec

    spec = load_model_spec(config.model)
    return loading.resolve_checkpoint(spec.name, config.ckpt_file, config.allow_download)


def profile(engine) -> Dict[str, float]:
    """Seconds per phase of one synthesis of the reference text."""
    from ishowtts_ros.engine.reference import preprocess_reference

    voice = engine.get_voice(None)
    started = time.perf_counter()
    engine.plan(texts.REFERENCE)
    text_s = time.perf_counter() - started
    started = time.perf_counter()
    preprocess_reference(
        voice.spec.ref_audio,
        engine.sample_rate,
        engine.config.target_rms,
        engine.config.max_ref_seconds,
    )
    reference_s = time.perf_counter() - started
    engine.phase_times = {}
    try:
        _, total, _ = measure.measure_call(lambda: engine.synthesize(texts.REFERENCE, seed=0))
        phases = dict(engine.phase_times)
    finally:
        engine.phase_times = None
    other = total - sum(phases.values())
    return {
        "text_prep_s": text_s,
        "reference_prep_s": reference_s,
        "transformer_s": phases.get("transformer", 0.0),
        "vocoder_s": phases.get("vocoder", 0.0),
        "other_s": other,
        "total_s": total,
        "note": "reference prep runs once per voice at load; shown for scale",
    }


def flop_floor(engine, config: EngineConfig) -> Dict[str, float]:
    """Count transformer FLOPs of one synthesis, measure the GEMM rate, and compare."""
    from ishowtts_ros.bench.flops import dit_forward_flops, gemm_rate
    from ishowtts_ros.engine.model_spec import load_model_spec

    arch = load_model_spec(config.model).arch
    sampler = engine.runtime.sampler
    total = 0.0
    for plan in engine.plan(texts.REFERENCE):
        frames = sampler.bucket_of(plan.duration) or plan.duration
        settings = engine.settings
        guided = settings.nfe_step if settings.cfg_steps < 0 else settings.cfg_steps
        total += guided * dit_forward_flops(arch, frames, batch=2)
        total += (settings.nfe_step - guided) * dit_forward_flops(arch, frames, batch=1)
    rate = gemm_rate(arch["dim"], arch.get("ff_mult", 4), 2048, engine.device, engine.dtype)
    engine.phase_times = {}
    try:
        engine.synthesize(texts.REFERENCE, seed=0)
        transformer_s = engine.phase_times["steps"]
    finally:
        engine.phase_times = None
    floor_s = total / rate
    result = {
        "transformer_flops": total,
        "gemm_flops_per_s": rate,
        "floor_s": floor_s,
        "transformer_s": transformer_s,
        "ratio": transformer_s / floor_s,
    }
    peak = dense_fp16_peak(engine.device)
    if peak:
        result["card_dense_fp16_flops_per_s"] = peak
        result["ratio_vs_card_peak"] = transformer_s / (total / peak)
    return result


# Dense (not sparse) fp16 tensor-core peaks from NVIDIA's data sheets, FLOP/s.
DENSE_FP16_PEAKS = (("H100 PCIe", 756e12), ("H100", 989e12), ("H200", 989e12), ("A100", 312e12))


def dense_fp16_peak(device) -> float:
    """Return the card's data-sheet peak, or 0.0 for a card not in the table (or a CPU)."""
    import torch

    if torch.device(device).type != "cuda":
        return 0.0
    name = torch.cuda.get_device_name(device)
    return next((peak for key, peak in DENSE_FP16_PEAKS if key in name), 0.0)


RECOMPILE_TEXTS = tuple(("Robots walk " * 5)[:size].strip() + "." for size in range(12, 62, 5))
"""Ten texts of different lengths, one chunk each."""


def recompiles(engine) -> Dict[str, int]:
    """Graphs compiled while speaking ten text lengths after warm-up (0 expected)."""
    from torch._dynamo.utils import counters

    before = counters["stats"]["unique_graphs"]
    durations = set()
    for text in RECOMPILE_TEXTS:
        durations.update(plan.duration for plan in engine.plan(text))
        engine.synthesize(text, seed=0)
    return {"lengths": len(durations), "graphs": counters["stats"]["unique_graphs"] - before}


def precision(engine, config: EngineConfig) -> Dict[str, float]:
    """Waveform difference to an fp32 eager engine on the same noise, and the vocoder's share.

    The vocoder's share: one fp32 mel decoded by this engine's vocoder and by the fp32 one.
    """
    import numpy as np
    import torch

    from ishowtts_ros.engine import Engine

    if engine.dtype == torch.float32:
        return {"note": "the engine runs in fp32: nothing to compare"}
    reference = Engine.load(config.replace(dtype="fp32", compile="none"))
    engine.noise_dtype = reference.noise_dtype = torch.float32
    try:
        ours = engine.synthesize(texts.REFERENCE, seed=0).samples
        theirs = reference.synthesize(texts.REFERENCE, seed=0).samples
        mel = reference_mel(reference, texts.SHORT)
        vocoder_ours = engine.runtime.decoder(mel.to(engine.device)).float().cpu().numpy()
        vocoder_theirs = reference.runtime.decoder(mel).cpu().numpy()
    finally:
        engine.noise_dtype = engine.dtype
    return {
        "max_abs": float(np.max(np.abs(ours - theirs))),
        "rms": float(np.sqrt(np.mean((ours - theirs) ** 2))),
        "fp32_peak": float(np.max(np.abs(theirs))),
        "vocoder_max_abs": float(np.max(np.abs(vocoder_ours - vocoder_theirs))),
        "vocoder_rms": float(np.sqrt(np.mean((vocoder_ours - vocoder_theirs) ** 2))),
    }


def reference_mel(engine, text: str):
    """Make the generated part of the first chunk's mel ``[1, d, n]``, as the engine does."""
    import torch

    noise = torch.Generator(engine.device).manual_seed(0)
    plan = engine.plan(text)[0]
    return engine.sample_mel(engine.get_voice(None), plan, engine.settings, noise)


def write_samples(engine, folder: str) -> None:
    """One WAV per NFE of the reference text, for listening tests."""
    from ishowtts_ros.audio.wav import write_wav

    os.makedirs(folder, exist_ok=True)
    for steps in SAMPLE_NFES:
        settings = engine.settings.replace(nfe_step=steps, seed=0)
        audio = engine.synthesize(texts.REFERENCE, settings=settings)
        write_wav(os.path.join(folder, f"nfe{steps:02d}.wav"), audio.samples, audio.sample_rate)
    print(f"samples: {folder}")


def phrase_cache(engine, phrases: int = 10) -> Dict[str, float]:
    """First audio of a miss and of a hit, and what a cached minute of speech costs.

    The memory cost is RSS after caching ``phrases`` paragraphs against RSS after saying
    the same paragraphs uncached (so that the allocator's own growth is not counted).
    """
    from ishowtts_ros.bench.run import time_engine
    from ishowtts_ros.engine.phrase_cache import PhraseCache
    from ishowtts_ros.speech.memory import release_free_memory

    doors = ("red", "blue", "green", "front", "back", "side", "left", "right", "glass", "main")
    paragraphs = [f"{texts.PARAGRAPH} Take the {door} door." for door in doors[:phrases]]
    kept, engine.phrases = engine.phrases, None
    try:
        for text in paragraphs:  # uncached, to warm the allocator up
            engine.synthesize(text, seed=0)
        engine.phrases = PhraseCache(2**30)
        miss = time_engine(engine, texts.SHORT, seed=0)["first_chunk_s"]
        hit = time_engine(engine, texts.SHORT, seed=0)["first_chunk_s"]
        release_free_memory()
        before, data_before, seconds = measure.rss_mb(), engine.phrases.bytes, 0.0
        for text in paragraphs:
            seconds += engine.synthesize(text, seed=0).seconds
        release_free_memory()
        minutes = seconds / 60
        return {
            "first_audio_miss_s": miss,
            "first_audio_hit_s": hit,
            "cached_minutes": minutes,
            "data_mb_per_minute": (engine.phrases.bytes - data_before) / 2**20 / minutes,
            "rss_mb_per_minute": (measure.rss_mb() - before) / minutes,
        }
    finally:
        engine.phrases = kept
