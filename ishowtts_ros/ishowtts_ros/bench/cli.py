# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""``ishowtts-bench``: timed syntheses, upstream side by side, profile, FLOP floor, regressions.

Examples::

    ishowtts-bench --random-weights --arch bench-small --runs 5 --compare-upstream
    ishowtts-bench --config config/engine.yaml --runs 20 --baseline baseline.json

Timings and statistics: :mod:`.run`; analyses on request: :mod:`.analyses`; the table and
the regression check: :mod:`.report`.
"""

from __future__ import annotations

import ishowtts_ros.entry  # noqa: F401  (first: our process's settings, before torch)

import json
import logging
import os
import sys
import time
from typing import Dict

import numpy as np
import torch

from ishowtts_ros.bench import analyses, measure, report, run, texts
from ishowtts_ros.bench.options import ARCH_COMMON, ARCHS, parse_args
from ishowtts_ros.engine.config import EngineConfig

UPSTREAM_DEFAULT_NFE = 32


def engine_config(args) -> EngineConfig:
    """Build the config under test: a file, or random weights written once to --work-dir."""
    if args.config:
        config = EngineConfig.from_yaml(args.config)
    else:
        from ishowtts_ros.engine.random_model import write_random_model

        folder = os.path.join(args.work_dir, args.arch)
        marker = os.path.join(folder, "config.yaml")
        if not os.path.isfile(marker):
            print(f"writing random-weight {args.arch} to {folder} ...", flush=True)
            write_random_model(folder, **ARCHS[args.arch], **ARCH_COMMON, write_pt=False)
        config = EngineConfig.from_yaml(marker).replace(
            voices_file="", device="auto", dtype="auto", seed=0, compile="auto"
        )
    overrides = {
        key: value
        for key, value in (
            ("nfe_step", args.nfe),
            ("device", args.device),
            ("dtype", args.dtype),
            ("compile", args.compile),
            ("buckets", args.buckets),
        )
        if value is not None
    }
    # Timed runs repeat texts and seeds: the phrase cache would answer them (--phrase-cache
    # measures it on its own).
    return config.replace(phrase_cache_mb=0, **overrides)


def main(argv=None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    from ishowtts_ros.engine import Engine, EngineError

    try:
        config = engine_config(args)
        load_started = time.perf_counter()
        engine = Engine.load(config)
        load_s = time.perf_counter() - load_started
    except (EngineError, ValueError, OSError) as exc:
        print(f"ishowtts-bench: error: {exc}", file=sys.stderr)
        return 2
    engine.warm_up()
    results = describe(engine, args, config, load_s)
    print(
        f"loaded in {results['load_s']:.1f} s (warm-up {results['warmup_s']:.1f} s): "
        f"{results['device_name']}, {results['dtype']}, compile {results['compile_mode']}",
        flush=True,
    )
    if engine.device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(engine.device)
    if args.first_requests:  # before anything else warms what it measures
        results["first_requests"] = analyses.first_requests(engine)
    if args.bucket_requests:
        results["bucket_requests"] = analyses.bucket_requests(engine)
    results.update(timed_runs(engine, args, config))
    results.update(short_texts(engine, args.short_runs, args.paragraph_runs))
    if args.recompiles:
        results["recompiles"] = analyses.recompiles(engine, args.recompiles)
    if args.precision:
        results["precision"] = analyses.precision(engine, config)
    if args.phrase_cache:
        results["phrase_cache"] = analyses.phrase_cache(engine)
    if args.profile:
        results["profile"] = analyses.profile(engine)
    if args.flop_floor:
        results["flop_floor"] = analyses.flop_floor(engine, config)
        results["flop_floor_ratio"] = results["flop_floor"]["ratio"]
    results["peak_rss_mb"] = measure.peak_rss_mb()
    if engine.device.type == "cuda":
        results["peak_cuda_mb"] = torch.cuda.max_memory_allocated(engine.device) / 2**20
    if args.samples:
        analyses.write_samples(engine, args.samples)
    report.print_table(results)
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w", encoding="utf-8") as stream:
        json.dump(results, stream, indent=2)
    print(f"results: {args.json}")
    return report.check_baseline(args, results)


def describe(engine, args, config: EngineConfig, load_s: float) -> Dict[str, object]:
    """Say what is measured, where, and how long loading and warm-up took."""
    return {
        "device": str(engine.device),
        "device_name": torch.cuda.get_device_name(engine.device)
        if engine.device.type == "cuda"
        else "cpu",
        "dtype": engine.dtype_name,
        "compile_mode": engine.runtime.compile_mode or "none",
        "buckets": engine.runtime.sampler.buckets,
        "nfe_step": config.nfe_step,
        "torch_version": torch.__version__,
        "weights": f"random {args.arch}" if args.random_weights else config.ckpt_file,
        "text": texts.REFERENCE,
        "runs": args.runs,
        "warmup": args.warmup,
        "load_s": load_s,
        "warmup_s": engine.warmup_s,
        "compile_s": engine.runtime.compile_s,
        "graphs": engine.runtime.graph_counts(),
        "compile_error": engine.runtime.health.error,
    }


def timed_runs(engine, args, config: EngineConfig) -> Dict[str, object]:
    """Time the reference text; upstream interleaved at the same NFE and at its default."""
    results: Dict[str, object] = {}
    upstream = None
    voice = engine.get_voice(None)
    ref_file, ref_text = voice.spec.ref_audio, voice.spec.ref_text
    if args.compare_upstream:
        from ishowtts_ros.bench.upstream import UpstreamRunner

        upstream = UpstreamRunner(
            config.model,
            analyses.engine_ckpt(config),
            config.vocab_file,
            config.vocoder_dir,
            str(engine.device),
        )
        results["upstream_dtype"] = str(upstream.dtype).replace("torch.", "")
    for index in range(args.warmup):
        engine.synthesize(texts.REFERENCE, seed=index)
        if upstream is not None:
            upstream.synthesize(ref_file, ref_text, texts.REFERENCE, config.nfe_step, index)
    runs, same_nfe, defaults = [], [], []
    for index in range(args.runs):  # interleaved, so that drift hits every contender alike
        runs.append(run.time_engine(engine, texts.REFERENCE, seed=index))
        if upstream is not None:
            for nfe, into in ((config.nfe_step, same_nfe), (UPSTREAM_DEFAULT_NFE, defaults)):
                into.append(
                    run.time_upstream(upstream, ref_file, ref_text, texts.REFERENCE, nfe, index)
                )
        print(f"run {index + 1}/{args.runs}: RTF {runs[-1]['rtf']:.3f}", flush=True)
    results["engine"] = run.summarise(runs)
    if upstream is not None:
        results["upstream_same_nfe"] = run.summarise(same_nfe)
        results["upstream_defaults"] = run.summarise(defaults)
        engine_time = results["engine"]["synthesis_s"]["median"]
        results["speedup_vs_upstream_defaults"] = (
            results["upstream_defaults"]["synthesis_s"]["median"] / engine_time
        )
        results["speedup_same_nfe"] = (
            results["upstream_same_nfe"]["synthesis_s"]["median"] / engine_time
        )
    return results


def short_texts(engine, short_runs: int, paragraph_runs: int) -> Dict[str, object]:
    """First audio of a short sentence, and the first chunk's share of a paragraph.

    Timed alone (no memory sampling), after one untimed run of each.
    """
    for text in (texts.SHORT, texts.PARAGRAPH):
        engine.synthesize(text, seed=0)
    short = [run.time_engine(engine, texts.SHORT, i, memory=False) for i in range(short_runs)]
    paragraph = [
        run.time_engine(engine, texts.PARAGRAPH, i, memory=False) for i in range(paragraph_runs)
    ]
    return {
        "short_sentence": run.summarise(short),
        "paragraph": run.summarise(paragraph),
        "first_audio_short_s": float(np.median([r["first_chunk_s"] for r in short])),
        "first_chunk_fraction": float(
            np.median([r["first_chunk_s"] / r["synthesis_s"] for r in paragraph])
        ),
    }


if __name__ == "__main__":
    sys.exit(main())
