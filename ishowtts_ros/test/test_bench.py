# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""``ishowtts-bench`` end to end on the small model: numbers, JSON keys, samples, baselines."""

import json
import os
import sys

import pytest
from processes import run_command

from ishowtts_ros.audio.wav import read_wav
from ishowtts_ros.bench.analyses import PHASES
from ishowtts_ros.bench.flops import dit_forward_flops
from ishowtts_ros.bench.texts import FIRST_REQUESTS
from ishowtts_ros.engine.config import DEFAULT_BUCKETS
from ishowtts_ros.bench.measure import summary

BENCH = os.path.join(os.path.dirname(sys.executable), "ishowtts-bench")


def bench(*args):
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    return run_command([BENCH, *args], timeout=600, env=env)


@pytest.fixture(scope="module")
def full_run(test_model, tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench")
    result = bench(
        "--config",
        test_model["config"],
        "--runs",
        "2",
        "--warmup",
        "1",
        "--compare-upstream",
        "--profile",
        "--flop-floor",
        "--recompiles",
        "--first-requests",
        "--bucket-requests",
        "--precision",
        "--phrase-cache",
        "--dtype",
        "bf16",
        "--paragraph-runs",
        "1",
        "--short-runs",
        "2",
        "--samples",
        str(folder / "samples"),
        "--json",
        str(folder / "out.json"),
        "--baseline",
        str(folder / "baseline.json"),
        "--update-baseline",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    with open(folder / "out.json", encoding="utf-8") as stream:
        return folder, json.load(stream), result.stdout


def test_results_hold_every_measure(full_run):
    _, results, stdout = full_run
    engine = results["engine"]
    for key in ("mean", "median", "min", "max", "stdev", "cv_percent"):
        assert key in engine["rtf"] and key in engine["synthesis_s"]
    assert 0 < engine["rtf"]["min"] <= engine["rtf"]["median"] <= engine["rtf"]["max"]
    assert engine["speedup"] == pytest.approx(1 / engine["rtf"]["mean"])
    assert engine["first_chunk_s"]["median"] <= engine["synthesis_s"]["median"]
    for key in ("device", "dtype", "compile_mode", "nfe_step", "torch_version", "peak_rss_mb"):
        assert key in results
    defaults = results["upstream_defaults"]["synthesis_s"]["median"]
    assert results["speedup_vs_upstream_defaults"] == pytest.approx(
        defaults / engine["synthesis_s"]["median"]
    )
    same_nfe = results["upstream_same_nfe"]["synthesis_s"]["median"]
    assert results["speedup_same_nfe"] == pytest.approx(same_nfe / engine["synthesis_s"]["median"])
    short = results["short_sentence"]["first_chunk_s"]
    assert short["min"] <= results["first_audio_short_s"] <= short["max"]
    assert 0 < results["first_chunk_fraction"] < 1
    assert results["flop_floor"]["transformer_flops"] > 0 and results["flop_floor_ratio"] > 0
    profile = results["profile"]
    assert list(profile["phases_s"]) == list(PHASES) and min(profile["phases_s"].values()) > 0
    assert sum(profile["phases_s"].values()) <= profile["total_s"]
    top = profile["top_self_cpu"]
    assert len(top) == 15 and all(row["name"].startswith("aten::") for row in top[:3])
    assert [row["self_s"] for row in top] == sorted((row["self_s"] for row in top), reverse=True)
    assert "top operators by self cpu time" in stdout
    assert results["short_sentence"]["synthesis_s"]["n"] == 2
    assert results["recompiles"]["texts"] == 10 and results["recompiles"]["lengths"] >= 8
    assert list(results["bucket_requests"]) == [str(b) for b in DEFAULT_BUCKETS]
    first = results["first_requests"]
    assert list(first) == list(FIRST_REQUESTS)
    for row in first.values():
        assert row["ratio"] == pytest.approx(row["first_s"] / row["last_s"])
    precision = results["precision"]
    assert 0 < precision["max_abs"] < 0.05 and 0 < precision["vocoder_max_abs"]
    cache = results["phrase_cache"]
    assert cache["hits_misses"] == [1, 1]  # the second time from the cache
    assert cache["data_mb_per_minute"] == pytest.approx(24000 * 60 * 4 / 2**20, rel=0.01)
    assert "speedup_vs_upstream_defaults" in stdout and "RTF" in stdout


def test_upstream_speaks_as_long_as_the_engine(full_run):
    _, results, _ = full_run
    # Same duration rule; they differ by the cross-fade of the engine's short first chunk.
    assert results["upstream_same_nfe"]["audio_s"]["median"] == pytest.approx(
        results["engine"]["audio_s"]["median"], rel=0.05
    )


def test_samples_per_nfe(full_run):
    folder, _, _ = full_run
    names = sorted(os.listdir(folder / "samples"))
    assert names == [f"nfe{n:02d}.wav" for n in (5, 6, 7, 8, 16, 32)]
    samples, rate = read_wav(str(folder / "samples" / "nfe07.wav"))
    assert rate == 24000 and len(samples) > 0


def test_baseline_check_passes_then_flags_a_regression(full_run, test_model):
    folder, _, _ = full_run
    baseline = folder / "baseline.json"
    common = [
        "--config",
        test_model["config"],
        "--runs",
        "1",
        "--warmup",
        "0",
        "--paragraph-runs",
        "1",
        "--json",
        str(folder / "again.json"),
        "--baseline",
        str(baseline),
    ]
    assert bench(*common, "--tolerance", "10").returncode == 0
    data = json.loads(baseline.read_text())
    data["engine"]["rtf"]["median"] /= 100  # a baseline 100 times faster than today
    baseline.write_text(json.dumps(data))
    result = bench(*common)
    assert result.returncode == 1 and "REGRESSION" in result.stdout


def test_flop_count_of_f5tts_v1_base():
    """2 FLOPs per weight and frame, plus attention's n^2 term.

    Of the 337 M parameters, the blocks' attention and feed-forward hold 185 M and act on
    every frame; the 138 M AdaLN weights act on the time embedding once per step.
    """
    arch = {"dim": 1024, "depth": 22, "ff_mult": 2, "text_dim": 512}
    per_frame = dit_forward_flops(arch, 1, batch=1)
    assert 0.37e9 < per_frame < 0.40e9
    quadratic = dit_forward_flops(arch, 2000, batch=1) - 2000 * per_frame
    assert quadratic == pytest.approx(22 * 4 * (2000**2 - 2000) * 1024)


def test_summary_statistics():
    stats = summary([1.0, 2.0, 3.0, 4.0])
    assert stats["mean"] == 2.5 and stats["median"] == 2.5 and stats["min"] == 1.0
    assert stats["stdev"] == pytest.approx(1.2909944) and stats["cv_percent"] == pytest.approx(
        51.64, rel=1e-3
    )
