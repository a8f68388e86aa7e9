# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Speed beside busy neighbours: OpenMP's two wait policies side by side.

Each case runs ``ishowtts-bench`` in a process of its own (libgomp reads
``OMP_WAIT_POLICY`` once, at load) with libgomp's default (threads spin up to a few ms
before they sleep; torch is loaded first, so ishowtts_ros leaves the policy alone) or with
PASSIVE (threads sleep at once: the product's default), on an idle machine and beside busy
processes; the cases take turns, round after round, so that drift hits each alike. Prints
the median RTF and first audio of each, and the ratios.

    python -m ishowtts_ros.bench.busy_neighbour [--rounds 3] [--neighbours 1] [-- BENCH ARGS]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
from typing import Dict, Iterator, List, Tuple

POLICIES = ("default", "PASSIVE")
# torch loaded before ishowtts_ros: libgomp keeps its own default (see openmp_waits).
DEFAULT_POLICY_BENCH = (
    "import torch, sys; from ishowtts_ros.bench.cli import main; sys.exit(main())"
)
BENCH_ARGS = [
    "--random-weights",
    "--arch",
    "bench-small",
    "--runs",
    "3",
    "--warmup",
    "1",
    "--short-runs",
    "3",
    "--paragraph-runs",
    "1",
]
BUSY_LOOP = "while True: pass"
CASE_TIMEOUT_S = 1800.0


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m ishowtts_ros.bench.busy_neighbour", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--rounds", type=int, default=3, help="turns of every case (default 3)")
    parser.add_argument(
        "--neighbours", type=int, default=1, help="busy processes beside the loaded cases"
    )
    parser.add_argument(
        "--json",
        default=os.path.join("bench-results", "busy_neighbour.json"),
        help="where to write the results",
    )
    parser.add_argument(
        "bench_args",
        nargs="*",
        help=f"after --: ishowtts-bench's arguments (default: {' '.join(BENCH_ARGS)})",
    )
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.neighbours < 1:
        parser.error(
            f"--rounds and --neighbours must be >= 1, got {args.rounds}, {args.neighbours}"
        )
    return args


@contextlib.contextmanager
def busy_neighbours(count: int) -> Iterator[None]:
    """Keep ``count`` cores busy, a process each, for as long as the block runs."""
    loops = [subprocess.Popen([sys.executable, "-c", BUSY_LOOP]) for _ in range(count)]
    try:
        yield
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()


def run_case(policy: str, neighbours: int, bench_args: List[str], json_path: str) -> dict:
    """One ``ishowtts-bench`` process under ``policy``, beside ``neighbours`` busy ones."""
    env = {key: value for key, value in os.environ.items() if key != "OMP_WAIT_POLICY"}
    if policy == "default":
        bench = ["-c", DEFAULT_POLICY_BENCH]
    else:
        bench = ["-m", "ishowtts_ros.bench"]
        env["OMP_WAIT_POLICY"] = policy
    command = [sys.executable, *bench, *bench_args, "--json", json_path]
    with busy_neighbours(neighbours):
        subprocess.run(
            command, env=env, check=True, timeout=CASE_TIMEOUT_S, stdout=subprocess.DEVNULL
        )
    with open(json_path, encoding="utf-8") as stream:
        results = json.load(stream)
    return {
        "rtf": results["engine"]["rtf"]["median"],
        "first_audio_short_s": results["first_audio_short_s"],
    }


def summarise(samples: Dict[Tuple[str, int], List[dict]]) -> Dict[str, dict]:
    """Median over the rounds of each case, keyed "POLICY/N busy"."""
    return {
        f"{policy}/{neighbours} busy": {
            key: statistics.median(sample[key] for sample in runs) for key in runs[0]
        }
        for (policy, neighbours), runs in samples.items()
    }


def print_table(cases: Dict[str, dict], neighbours: int) -> None:
    print(f"{'case':<18} {'RTF':>7} {'first audio (s)':>16}")
    for name, case in cases.items():
        print(f"{name:<18} {case['rtf']:7.3f} {case['first_audio_short_s']:16.3f}")
    for load in (0, neighbours):
        ratio = cases[f"PASSIVE/{load} busy"]["rtf"] / cases[f"default/{load} busy"]["rtf"]
        print(f"PASSIVE / default RTF, {load} busy: {ratio:.2f}")
    for policy in POLICIES:
        ratio = cases[f"{policy}/{neighbours} busy"]["rtf"] / cases[f"{policy}/0 busy"]["rtf"]
        print(f"{policy}: RTF {neighbours} busy / idle: {ratio:.2f}")


def main(argv=None) -> int:
    args = parse_args(argv)
    bench_args = args.bench_args or BENCH_ARGS
    cases = [(policy, load) for load in (0, args.neighbours) for policy in POLICIES]
    samples: Dict[Tuple[str, int], List[dict]] = {case: [] for case in cases}
    with tempfile.TemporaryDirectory() as folder:
        for round_index in range(args.rounds):
            for policy, load in cases:
                sample = run_case(policy, load, bench_args, os.path.join(folder, "case.json"))
                samples[(policy, load)].append(sample)
                print(
                    f"round {round_index + 1}/{args.rounds}, {policy}, {load} busy: "
                    f"RTF {sample['rtf']:.3f}",
                    flush=True,
                )
    results = {"cpus": os.cpu_count(), "bench_args": bench_args, "cases": summarise(samples)}
    print_table(results["cases"], args.neighbours)
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w", encoding="utf-8") as stream:
        json.dump(results, stream, indent=2)
    print(f"results: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
