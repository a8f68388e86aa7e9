# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""``ishowtts-bench``'s command line: what it measures, on which weights, against what."""

from __future__ import annotations

import argparse
import os

from ishowtts_ros.engine.config import COMPILE_MODES, DTYPES

# Random-weight architectures: F5TTS_v1_Base's layout, real-size Vocos.
ARCHS = {
    "F5TTS_v1_Base": {"dim": 1024, "depth": 22, "heads": 16},
    "bench-small": {"dim": 512, "depth": 8, "heads": 8},
}
DESCRIPTION = "timed syntheses, upstream side by side, profile, FLOP floor, regressions"
ARCH_COMMON = {"text_dim": 512, "conv_layers": 4, "vocoder_dim": 512, "vocoder_layers": 8}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ishowtts-bench", description=DESCRIPTION)
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
        "--buckets", type=int, nargs="+", help="frame lengths to compile for (default: config)"
    )
    parser.add_argument(
        "--compare-upstream",
        action="store_true",
        help="time upstream f5-tts at the same NFE and at its defaults, interleaved",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="the short sentence's time per phase, and torch.profiler's top operators",
    )
    parser.add_argument(
        "--recompiles",
        type=int,
        nargs="?",
        const=10,
        metavar="TEXTS",
        help="graphs compiled (0 expected) and held after warm-up, over TEXTS (10) lengths",
    )
    parser.add_argument(
        "--bucket-requests",
        action="store_true",
        help="one chunk at each bucket's longest length, twice: the first as fast as the second",
    )
    parser.add_argument(
        "--first-requests",
        action="store_true",
        help="first audio of the first text of each kind after warm-up vs its 10th repeat",
    )
    parser.add_argument(
        "--phrase-cache",
        action="store_true",
        help="first audio of a phrase said before (a hit) against a new one, and cache memory",
    )
    parser.add_argument(
        "--precision",
        action="store_true",
        help="waveform difference to an fp32 engine on the same noise, and the vocoder's share",
    )
    parser.add_argument(
        "--flop-floor",
        action="store_true",
        help="compare transformer time with its FLOP floor on this machine",
    )
    parser.add_argument(
        "--short-runs",
        type=int,
        default=10,
        help="timed syntheses of the short sentence, after a warm one (first audio: median)",
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
    if min(args.runs, args.short_runs, args.paragraph_runs, args.recompiles or 1) < 1:
        parser.error(
            "--runs, --short-runs, --paragraph-runs and --recompiles must be >= 1, got "
            f"{args.runs}, {args.short_runs}, {args.paragraph_runs}, {args.recompiles}"
        )
    if args.warmup < 0:
        parser.error(f"--warmup must be >= 0, got {args.warmup}")
    if args.update_baseline and not args.baseline:
        parser.error("--update-baseline needs --baseline FILE")
    return args
