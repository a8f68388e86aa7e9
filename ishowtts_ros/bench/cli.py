# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""``ishowtts-bench``: timed syntheses, upstream side by side, profile, FLOP floor, regressions.

Examples::

    ishowtts-bench --random-weights --arch bench-small --runs 5 --compare-upstream
    ishowtts-bench --config config/engine.yaml --runs 20 --baseline baseline.json
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from typing import Dict, List

import numpy as np
import torch

from ishowtts_ros.bench import measure, texts
from ishowtts_ros.engine.config import COMPILE_MODES, DTYPES, EngineConfig

# Random-weight architectures: F5TTS_v1_Base's layout, real-size Vocos.
ARCHS = {
    "F5TTS_v1_Base": {"dim": 1024, "depth": 22, "heads": 16},
    "bench-small": {"dim": 512, "depth": 8, "heads": 8},
}
ARCH_COMMON = {"text_dim": 512, "conv_layers": 4, "vocoder_dim": 512, "vocoder_layers": 8}
SAMPLE_NFES = (5, 6, 7, 8, 16, 32)
UPSTREAM_DEFAULT_NFE = 32
EXIT_REGRESSION = 1


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ishowtts-bench", description=__doc__.split("\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--config", help="engine config YAML with real weights")
    source.add_argument(
        "--random-weights", action="store_true", help="measure speed on random weights of --arch"
    )
    parser.add_argument("--arch", choices=sorted(ARCHS), default="bench-small")
    parser.add_argument(
        "--work-dir",
        default=os.path.join("build", "bench"),
        help="where random-weight models are written (reused)",
    )
    parser.add_argument("--runs", type=int, default=20, help="timed syntheses (default 20)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed syntheses first")
    parser.add_argument("--nfe", type=int, default=None, help="sampling steps (default: config)")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default=None)
    parser.add_argument("--dtype", choices=DTYPES, default=None)
    parser.add_argument("--compile", choices=COMPILE_MODES, default=None)
    parser.add_argument(
        "--compare-upstream",
        action="store_true",
        help="time upstream f5-tts at the same NFE and at its defaults, interleaved",
    )
    parser.add_argument("--profile", action="store_true", help="split time into phases")
    parser.add_argument(
        "--flop-floor",
        action="store_true",
        help="compare transformer time with its FLOP floor on this machine",
    )
    parser.add_argument(
        "--paragraph-runs",
        type=int,
        default=3,
        help="streamed syntheses of the three-sentence text (first-chunk share)",
    )
    parser.add_argument(
        "--baseline", help="JSON of an earlier run: exit 1 when median RTF regressed"
    )
    parser.add_argument(
        "--tolerance",
        type=float,
        default=0.10,
        help="allowed median RTF regression (default 0.10 = 10%%)",
    )
    parser.add_argument(
        "--update-baseline", action="store_true", help="write this run's results to --baseline"
    )
    parser.add_argument(
        "--samples", help="write a WAV per NFE (5, 6, 7, 8, 16, 32) to this folder"
    )
    parser.add_argument(
        "--json",
        default=os.path.join("bench-results", "bench.json"),
        help="where to write the results",
    )
    args = parser.parse_args(argv)
    if args.runs < 1 or args.warmup < 0 or args.paragraph_runs < 1:
        parser.error(
            f"--runs and --paragraph-runs must be >= 1 and --warmup >= 0, got "
            f"{args.runs}, {args.paragraph_runs}, {args.warmup}"
        )
    if args.update_baseline and not args.baseline:
        parser.error("--update-baseline needs --baseline FILE")
    return args


def engine_config(args) -> EngineConfig:
    """Build the config under test: a file, or random weights written once to --work-dir."""
    if args.config:
        config = EngineConfig.from_yaml(args.config)
    else:
        from ishowtts_ros.engine.test_model import write_test_model

        folder = os.path.join(args.work_dir, args.arch)
        marker = os.path.join(folder, "config.yaml")
        if not os.path.isfile(marker):
            print(f"writing random-weight {args.arch} to {folder} ...", flush=True)
            write_test_model(folder, **ARCHS[args.arch], **ARCH_COMMON, write_pt=False)
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
        )
        if value is not None
    }
    return config.replace(**overrides)


def time_engine(engine, text: str, seed: int) -> Dict[str, float]:
    """One streamed synthesis: total and first-chunk time, audio length, memory growth."""
    first = []
    started = time.perf_counter()

    def run():
        total = 0
        for chunk in engine.synthesize_stream(text, seed=seed):
            if not first:
                first.append(time.perf_counter() - started)
            total += len(chunk.samples)
        return total

    samples, elapsed, extra_mb = measure.measure_call(run)
    audio_s = samples / engine.sample_rate
    return {
        "synthesis_s": elapsed,
        "first_chunk_s": first[0],
        "audio_s": audio_s,
        "rtf": elapsed / audio_s,
        "extra_rss_mb": extra_mb,
    }


def time_upstream(
    upstream, ref_file: str, ref_text: str, text: str, nfe: int, seed: int
) -> Dict[str, float]:
    wave, elapsed, extra_mb = measure.measure_call(
        lambda: upstream.synthesize(ref_file, ref_text, text, nfe, seed)
    )
    audio_s = len(wave) / 24000
    return {
        "synthesis_s": elapsed,
        "audio_s": audio_s,
        "rtf": elapsed / audio_s,
        "extra_rss_mb": extra_mb,
    }


def summarise(runs: List[Dict[str, float]]) -> Dict[str, object]:
    """Statistics of each measured quantity over the runs."""
    result: Dict[str, object] = {key: measure.summary([r[key] for r in runs]) for key in runs[0]}
    result["speedup"] = 1.0 / result["rtf"]["mean"]
    return result


def main(argv=None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    from ishowtts_ros.engine import Engine, EngineError

    try:
        config = engine_config(args)
        load_started = time.perf_counter()
        engine = Engine.load(config)
    except (EngineError, ValueError, OSError) as exc:
        print(f"ishowtts-bench: error: {exc}", file=sys.stderr)
        return 2
    load_s = time.perf_counter() - load_started
    voice = engine.get_voice(None)
    device = str(engine.device)
    results: Dict[str, object] = {
        "device": device,
        "device_name": torch.cuda.get_device_name(engine.device)
        if engine.device.type == "cuda"
        else "cpu",
        "dtype": engine.dtype_name,
        "compile_mode": engine.runtime.compile_mode or "none",
        "nfe_step": config.nfe_step,
        "torch_version": torch.__version__,
        "weights": f"random {args.arch}" if args.random_weights else config.ckpt_file,
        "text": texts.REFERENCE,
        "runs": args.runs,
        "warmup": args.warmup,
        "load_s": load_s,
        "warmup_s": engine.runtime.warmup_s,
    }
    upstream = None
    if args.compare_upstream:
        from ishowtts_ros.bench.upstream import UpstreamRunner

        upstream = UpstreamRunner(
            config.model, engine_ckpt(config), config.vocab_file, config.vocoder_dir, device
        )
        results["upstream_dtype"] = str(upstream.dtype).replace("torch.", "")
    ref_file, ref_text = voice.spec.ref_audio, voice.spec.ref_text

    if torch.cuda.is_available() and engine.device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(engine.device)
    for index in range(args.warmup):
        engine.synthesize(texts.REFERENCE, seed=index)
        if upstream is not None:
            upstream.synthesize(ref_file, ref_text, texts.REFERENCE, config.nfe_step, index)
    runs, same_nfe, defaults = [], [], []
    for index in range(args.runs):  # interleaved, so that drift hits every contender alike
        runs.append(time_engine(engine, texts.REFERENCE, seed=index))
        if upstream is not None:
            same_nfe.append(
                time_upstream(
                    upstream, ref_file, ref_text, texts.REFERENCE, config.nfe_step, index
                )
            )
            defaults.append(
                time_upstream(
                    upstream, ref_file, ref_text, texts.REFERENCE, UPSTREAM_DEFAULT_NFE, index
                )
            )
        print(f"run {index + 1}/{args.runs}: RTF {runs[-1]['rtf']:.3f}", flush=True)
    results["engine"] = summarise(runs)
    if upstream is not None:
        results["upstream_same_nfe"] = summarise(same_nfe)
        results["upstream_defaults"] = summarise(defaults)
        engine_time = results["engine"]["synthesis_s"]["median"]
        results["speedup_vs_upstream_defaults"] = (
            results["upstream_defaults"]["synthesis_s"]["median"] / engine_time
        )
        results["time_ratio_same_nfe"] = (
            engine_time / results["upstream_same_nfe"]["synthesis_s"]["median"]
        )

    short = [time_engine(engine, texts.SHORT, seed=i) for i in range(args.paragraph_runs)]
    results["short_sentence"] = summarise(short)
    paragraph = [time_engine(engine, texts.PARAGRAPH, seed=i) for i in range(args.paragraph_runs)]
    results["paragraph"] = summarise(paragraph)
    results["first_chunk_fraction"] = float(
        np.median([r["first_chunk_s"] / r["synthesis_s"] for r in paragraph])
    )

    if args.profile:
        results["profile"] = profile(engine, voice)
    if args.flop_floor:
        results["flop_floor"] = flop_floor(engine, config)
        results["flop_floor_ratio"] = results["flop_floor"]["ratio"]
    results["peak_rss_mb"] = measure.peak_rss_mb()
    if engine.device.type == "cuda":
        results["peak_cuda_mb"] = torch.cuda.max_memory_allocated(engine.device) / 2**20
    if args.samples:
        write_samples(engine, args.samples)

    print_table(results)
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w", encoding="utf-8") as stream:
        json.dump(results, stream, indent=2)
    print(f"results: {args.json}")
    return check_baseline(args, results)


def engine_ckpt(config: EngineConfig) -> str:
    from ishowtts_ros.engine import loading

    spec = loading.load_model_spec(config.model)
    return loading.resolve_checkpoint(spec.name, config.ckpt_file, config.allow_download)


def profile(engine, voice) -> Dict[str, float]:
    """Seconds per phase of one synthesis of the reference text."""
    from ishowtts_ros.engine.voices import preprocess_reference

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
    from ishowtts_ros.engine import loading

    arch = loading.load_model_spec(config.model).arch
    sampler = engine.runtime.sampler
    total = 0.0
    for plan in engine.plan(texts.REFERENCE):
        frames = sampler.padded_length(plan.duration) if sampler.compile_mode else plan.duration
        guided = config.nfe_step if config.cfg_steps < 0 else config.cfg_steps
        total += guided * dit_forward_flops(arch, frames, batch=2)
        total += (config.nfe_step - guided) * dit_forward_flops(arch, frames, batch=1)
    rate = gemm_rate(arch["dim"], arch.get("ff_mult", 4), 2048, engine.device, engine.dtype)
    engine.phase_times = {}
    try:
        engine.synthesize(texts.REFERENCE, seed=0)
        transformer_s = engine.phase_times["transformer"]
    finally:
        engine.phase_times = None
    floor_s = total / rate
    return {
        "transformer_flops": total,
        "gemm_flops_per_s": rate,
        "floor_s": floor_s,
        "transformer_s": transformer_s,
        "ratio": transformer_s / floor_s,
    }


def write_samples(engine, folder: str) -> None:
    """One WAV per NFE of the reference text, for listening tests."""
    from ishowtts_ros.audio.wav import write_wav

    os.makedirs(folder, exist_ok=True)
    nfe = engine.config.nfe_step
    try:
        for steps in SAMPLE_NFES:
            engine.config.nfe_step = steps
            audio = engine.synthesize(texts.REFERENCE, seed=0)
            write_wav(
                os.path.join(folder, f"nfe{steps:02d}.wav"), audio.samples, audio.sample_rate
            )
    finally:
        engine.config.nfe_step = nfe
    print(f"samples: {folder}")


def print_table(results: Dict[str, object]) -> None:
    rows = [("engine", results["engine"])]
    for key in ("upstream_same_nfe", "upstream_defaults", "short_sentence", "paragraph"):
        if key in results:
            rows.append((key, results[key]))
    print(
        f"\n{results['device_name']} | {results['dtype']} | compile {results['compile_mode']} | "
        f"NFE {results['nfe_step']} | torch {results['torch_version']}"
    )
    print(
        f"{'':20} {'time med s':>10} {'RTF mean':>9} {'RTF med':>8} {'RTF min':>8} "
        f"{'RTF max':>8} {'CV %':>6} {'audio s':>8} {'1st chunk':>9} {'+RSS MB':>8}"
    )
    for name, row in rows:
        first = row.get("first_chunk_s", {}).get("median", float("nan"))
        print(
            f"{name:20} {row['synthesis_s']['median']:10.3f} {row['rtf']['mean']:9.3f} "
            f"{row['rtf']['median']:8.3f} {row['rtf']['min']:8.3f} {row['rtf']['max']:8.3f} "
            f"{row['rtf']['cv_percent']:6.1f} {row['audio_s']['median']:8.2f} {first:9.3f} "
            f"{row['extra_rss_mb']['max']:8.1f}"
        )
    for key in (
        "speedup_vs_upstream_defaults",
        "time_ratio_same_nfe",
        "first_chunk_fraction",
        "flop_floor_ratio",
        "peak_rss_mb",
        "peak_cuda_mb",
        "load_s",
        "warmup_s",
    ):
        if key in results:
            print(f"{key:30} {results[key]:.3f}")
    if "profile" in results:
        print(
            "profile: "
            + ", ".join(
                f"{k} {v:.3f}" for k, v in results["profile"].items() if isinstance(v, float)
            )
        )


def check_baseline(args, results: Dict[str, object]) -> int:
    """Exit 1 when the median RTF is worse than the baseline's by more than the tolerance."""
    if not args.baseline:
        return 0
    median = results["engine"]["rtf"]["median"]
    if args.update_baseline:
        with open(args.baseline, "w", encoding="utf-8") as stream:
            json.dump(results, stream, indent=2)
        print(f"baseline written: {args.baseline} (median RTF {median:.4f})")
        return 0
    with open(args.baseline, encoding="utf-8") as stream:
        reference = json.load(stream)["engine"]["rtf"]["median"]
    change = median / reference - 1.0
    verdict = "REGRESSION" if change > args.tolerance else "ok"
    print(
        f"median RTF {median:.4f} vs baseline {reference:.4f}: {change:+.1%} "
        f"(tolerance {args.tolerance:.0%}) {verdict}"
    )
    return EXIT_REGRESSION if verdict == "REGRESSION" else 0


if __name__ == "__main__":
    sys.exit(main())
