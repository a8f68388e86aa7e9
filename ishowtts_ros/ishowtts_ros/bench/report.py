# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The benchmark's table on the console, and the regression check against a baseline."""

from __future__ import annotations

import json
from typing import Dict

EXIT_REGRESSION = 1


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
    nan = {"median": float("nan"), "max": float("nan")}
    for name, row in rows:
        first = row.get("first_chunk_s", nan)["median"]
        print(
            f"{name:20} {row['synthesis_s']['median']:10.3f} {row['rtf']['mean']:9.3f} "
            f"{row['rtf']['median']:8.3f} {row['rtf']['min']:8.3f} {row['rtf']['max']:8.3f} "
            f"{row['rtf']['cv_percent']:6.1f} {row['audio_s']['median']:8.2f} {first:9.3f} "
            f"{row.get('extra_rss_mb', nan)['max']:8.1f}"
        )
    for key in (
        "speedup_vs_upstream_defaults",
        "speedup_same_nfe",
        "first_audio_short_s",
        "first_chunk_fraction",
        "flop_floor_ratio",
        "peak_rss_mb",
        "peak_cuda_mb",
        "load_s",
        "warmup_s",
        "compile_s",
    ):
        if key in results:
            print(f"{key:30} {results[key]:.3f}")
    for key in ("recompiles", "precision", "phrase_cache"):
        if key in results:
            print(
                f"{key}: "
                + ", ".join(
                    f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}"
                    for k, v in results[key].items()
                )
            )
    vs_peak = results.get("flop_floor", {}).get("ratio_vs_card_peak")
    if vs_peak is not None:
        print(f"{'flop_floor_ratio_vs_card_peak':30} {vs_peak:.3f}")
    if "first_requests" in results:
        print(f"\n{'first request':22} {'first s':>8} {'10th s':>8} {'ratio':>6}")
        for kind, row in results["first_requests"].items():
            print(f"{kind:22} {row['first_s']:8.3f} {row['last_s']:8.3f} {row['ratio']:6.2f}")
    if "bucket_requests" in results:
        print(f"\n{'bucket':>6} {'first s':>8} {'second s':>9} {'ratio':>6}")
        for bucket, row in results["bucket_requests"].items():
            print(f"{bucket:>6} {row['first_s']:8.3f} {row['second_s']:9.3f} {row['ratio']:6.2f}")
    if "profile" in results:
        print_profile(results["profile"])


def print_profile(profile: Dict[str, object]) -> None:
    print(f"\nprofile of {profile['text']!r} (median of {profile['runs']} runs):")
    for name, seconds in profile["phases_s"].items():
        print(f"  {name:10} {seconds * 1000:9.2f} ms")
    print(f"  {'other':10} {profile['other_s'] * 1000:9.2f} ms")
    print(f"  {'total':10} {profile['total_s'] * 1000:9.2f} ms")
    for key in ("top_self_cpu", "top_self_cuda"):
        if key in profile:
            print(f"top operators by {key[4:].replace('_', ' ')} time (one run):")
            for row in profile[key]:
                print(f"  {row['self_s'] * 1000:9.2f} ms {row['calls']:6d}x  {row['name']}")


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
