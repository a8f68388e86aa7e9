# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""What a benchmark run adds on request: phase profile, FLOP floor, listening samples."""

from __future__ import annotations

import os
import time
from typing import Dict, List

from ishowtts_ros.bench import measure, texts
from ishowtts_ros.engine.config import EngineConfig

SAMPLE_NFES = (5, 6, 7, 8, 16, 32)


def engine_ckpt(config: EngineConfig) -> str:
    from ishowtts_ros.engine import loading
    from ishowtts_ros.engine.model_spec import load_model_spec

    spec = load_model_spec(config.model)
    return loading.resolve_checkpoint(spec.name, config.ckpt_file, config.allow_download)


PHASES = ("normalise", "plan", "tokens", "steps", "vocoder", "copy out")
TOP_OPERATORS = 15


def profile(engine, runs: int = 10) -> Dict[str, object]:
    """Where the short sentence's time goes, after a warm run.

    Seconds per phase in the run of median total among ``runs`` (what is left is the
    engine's own Python between phases), and torch.profiler's top operators by self CPU
    time (and self CUDA time on a GPU) over one more run.
    """
    import torch

    engine.synthesize(texts.SHORT, seed=0)
    per_run = []
    for seed in range(runs):
        engine.phase_times = {}
        started = time.perf_counter()
        try:
            engine.synthesize(texts.SHORT, seed=seed)
        finally:
            phases, engine.phase_times = engine.phase_times, None
        per_run.append({**phases, "total": time.perf_counter() - started})
    # The run of median total, whole: medians taken phase by phase could add up to more.
    median_run = sorted(per_run, key=lambda run: run["total"])[len(per_run) // 2]
    median = {name: median_run.get(name, 0.0) for name in (*PHASES, "total")}
    activities = [torch.profiler.ProfilerActivity.CPU]
    if engine.device.type == "cuda":
        activities.append(torch.profiler.ProfilerActivity.CUDA)
    with torch.profiler.profile(activities=activities) as profiler:
        engine.synthesize(texts.SHORT, seed=0)
    averages = profiler.key_averages()
    result = {
        "text": texts.SHORT,
        "runs": runs,
        "phases_s": {name: median[name] for name in PHASES},
        "other_s": median["total"] - sum(median[name] for name in PHASES),
        "total_s": median["total"],
        "top_self_cpu": top_operators(averages, "self_cpu_time_total"),
    }
    if engine.device.type == "cuda":
        result["top_self_cuda"] = top_operators(averages, "self_device_time_total")
    return result


def top_operators(averages, key: str) -> List[Dict[str, object]]:
    """Return the :data:`TOP_OPERATORS` operators with the most ``key`` time (µs in torch)."""
    ranked = sorted(averages, key=lambda event: getattr(event, key, 0.0), reverse=True)
    return [
        {"name": event.key, "calls": event.count, "self_s": getattr(event, key, 0.0) / 1e6}
        for event in ranked[:TOP_OPERATORS]
    ]


def first_requests(engine, repeats: int = 10) -> Dict[str, Dict[str, float]]:
    """First audio of the first request of each kind after warm-up, against its last repeat.

    Run it first after warm-up: any later synthesis would warm what it measures.
    """
    from ishowtts_ros.bench.run import time_engine

    results = {}
    for kind, text in texts.FIRST_REQUESTS.items():
        times = [
            time_engine(engine, text, seed=seed, memory=False)["first_chunk_s"]
            for seed in range(repeats)
        ]
        results[kind] = {"first_s": times[0], "last_s": times[-1], "ratio": times[0] / times[-1]}
    return results


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


def bucket_requests(engine) -> Dict[str, Dict[str, float]]:
    """Seconds of one chunk's synthesis (steps and vocoder) at each bucket, twice.

    The first request of a bucket should be as fast as the second: graphs compiled and
    CUDA graphs recorded at warm-up, not on a text. Uncompiled, the same lengths.
    """
    import dataclasses

    import torch

    io = engine.runtime.io
    voice = engine.get_voice(None)
    plan = engine.plan(texts.SHORT)[0]
    results = {}
    for bucket in engine.runtime.sampler.buckets or engine.config.buckets:
        sized = dataclasses.replace(plan, duration=bucket - 1)  # the longest in the bucket
        times = []
        for seed in range(2):
            noise = torch.Generator(engine.device).manual_seed(seed)
            started = time.perf_counter()
            with io.stream_context():
                mel = engine.sample_mel(voice, sized, engine.settings, noise)
                io.to_numpy(engine.runtime.decoder(mel))
            times.append(time.perf_counter() - started)
        results[str(bucket)] = {
            "first_s": times[0],
            "second_s": times[1],
            "ratio": times[0] / times[1],
        }
    return results


def recompiles(engine, count: int = 10) -> Dict[str, object]:
    """Graphs compiled, graphs held and eager fallbacks while speaking ``count`` texts.

    The texts (:func:`texts.mixed_lengths`) run at lengths across the buckets; after
    warm-up nothing should compile, and the graphs held stay one per compiled function.
    """
    from torch._dynamo.utils import counters

    runtime = engine.runtime
    before = counters["stats"]["unique_graphs"]
    durations = set()
    for text, speed in texts.mixed_lengths(count):
        settings = engine.settings.replace(speed=speed, seed=0)
        durations.update(plan.duration for plan in engine.plan(text, settings=settings))
        engine.synthesize(text, settings=settings)
    return {
        "texts": count,
        "lengths": len(durations),
        "buckets": sorted({runtime.sampler.bucket_of(d) or 0 for d in durations}),
        "graphs": counters["stats"]["unique_graphs"] - before,
        "graphs_held": sum(n or 0 for n in runtime.graph_counts().values()),
        "eager_fallbacks": runtime.health.eager_fallbacks,
    }


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
        hits, misses = engine.phrases.hits, engine.phrases.misses
        release_free_memory()
        before, data_before, seconds = measure.rss_mb(), engine.phrases.bytes, 0.0
        for text in paragraphs:
            seconds += engine.synthesize(text, seed=0).seconds
        release_free_memory()
        minutes = seconds / 60
        return {
            "first_audio_miss_s": miss,
            "first_audio_hit_s": hit,
            "hits_misses": [hits, misses],
            "cached_minutes": minutes,
            "data_mb_per_minute": (engine.phrases.bytes - data_before) / 2**20 / minutes,
            "rss_mb_per_minute": (measure.rss_mb() - before) / minutes,
        }
    finally:
        engine.phrases = kept
