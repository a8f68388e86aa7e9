# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The soak benchmark: its arithmetic, and a short run against a real tts_node process."""

import json
import os
import random
import sys

import pytest
from processes import run_command

from ishowtts_ros.bench.soak import (
    FLIP_EVERY,
    FLIPS,
    PERIOD,
    flips_in_effect,
    make_texts,
    warmup_texts,
)
from ishowtts_ros.bench.soak_report import Run, Sample, latency_windows, summarise
from ishowtts_ros.bench.texts import REPORT_CHARS, ROBOT_PHRASES, robot_text


def test_text_mix_is_reproducible_with_hostile_ones_every_eleventh():
    texts = make_texts(44, seed=3)
    assert texts == make_texts(44, seed=3) and texts != make_texts(44, seed=4)
    assert texts[10] == "" and texts[21].isspace()  # the first two hostile texts


def test_the_robot_mix_has_its_phrases_sentences_and_long_reports_with_numbers():
    rng, said = random.Random(0), []
    texts = [robot_text(rng, said) for _ in range(3000)]
    phrases = [t for t in texts if t in ROBOT_PHRASES]
    reports = [t for t in texts if len(t) >= REPORT_CHARS]
    sentences = [t for t in texts if t not in phrases and t not in reports]
    shares = [len(kind) / len(texts) for kind in (phrases, sentences, reports)]
    assert shares == pytest.approx([0.35, 0.39, 0.26], abs=0.03), shares
    assert all(len(t) < REPORT_CHARS + 100 and any(c.isdigit() for c in t) for t in reports)
    assert any(c.isdigit() for t in sentences for c in t)
    said_again = len(sentences) + len(reports) - len(set(sentences + reports))
    assert said_again > 0.05 * (len(sentences) + len(reports))  # robots repeat themselves


@pytest.mark.parametrize("count", [1000, 600, 80, 12])
def test_the_late_window_says_the_early_texts_again_under_the_same_parameters(count):
    warmup = warmup_texts(count)
    windows = latency_windows(count, warmup, PERIOD)
    texts = make_texts(count, seed=0)
    early = range(windows.early_start, windows.early_start + windows.length)
    late = range(windows.late_start, count + 1)
    assert len(late) == windows.length and early[-1] < late[0]
    assert [texts[i - 1] for i in late] == [texts[i - 1] for i in early]
    if count >= 600:  # long enough for the twin to lie whole parameter periods back
        assert early[0] > warmup and windows.offset % PERIOD == 0
        state, in_effect = {}, {}
        for index in range(1, count + 1):  # the parameters as the run sets them
            if index % FLIP_EVERY == 0:
                state.update(FLIPS[(index // FLIP_EVERY) % len(FLIPS)])
            in_effect[index] = dict(state)
        assert all(in_effect[i] == in_effect[i - windows.offset] for i in late)
        assert all(flips_in_effect(i) == in_effect[i] for i in range(1, count + 1))
    if count == 1000:
        assert (windows.early_start, windows.late_start, windows.length) == (221, 821, 180)


def test_summary_finds_growth_after_warm_up_and_latency_drift_on_the_same_texts():
    old = Run(
        [
            Sample(
                i,
                1000.0 + (i if i <= 20 else 20 + 0.1 * (i - 20)),
                25,
                23,
                0.1 + 0.001 * i,
                phrase_cache_mb=0.05 * i,
            )
            for i in range(1, 101)
        ],
        100,
        {"spoken": 95, "dropped": 3, "failed": 0, "ignored": 2},
        {"slow": 3},
    )
    windows = latency_windows(100, 20, PERIOD)  # texts 21..36 against 85..100
    young = Run(  # texts 65..100; 20 % faster than the old node
        [Sample(i, 900.0, 25, 23, 0.8 * (0.1 + 0.001 * i)) for i in range(65, 101)],
        36,
        {"spoken": 36},
    )
    summary = summarise(old, young, 20, windows)
    assert summary["nothing_lost"] and summary["accounted"] == 100
    # medians of texts 21..28 and 93..100: 1020.4 and 1027.6
    assert summary["rss_growth_after_warmup_mb"] == pytest.approx(7.2, abs=0.01)
    # less the cache's 1.2 and 4.8 MB at texts 24 and 96
    assert summary["rss_growth_beyond_phrase_cache_mb"] == pytest.approx(3.6, abs=0.01)
    assert summary["phrase_cache_mb_first_last_tenth"] == pytest.approx([1.2, 4.8])
    assert summary["warn_diagnostics_by_subject"] == {"slow": 3}
    assert summary["threads_min_max_after_warmup"] == [25, 25]
    assert summary["latency_windows"] == [[21, 36], [85, 100]]
    # nearest-rank medians: text 28 (0.128 s) and text 92 (0.192 s)
    assert summary["latency_drift_p50_late_over_early"] == pytest.approx(0.192 / 0.128)
    assert summary["first_audio_p95_late_s"] == pytest.approx(0.1 + 0.001 * 100)
    # the median pair: text 93 against text 29
    assert summary["latency_drift_median_of_same_text_ratios"] == pytest.approx(0.193 / 0.129)
    assert summary["latency_age_p50_old_over_young_node"] == pytest.approx(1.25)
    assert summary["latency_age_median_of_same_text_ratios"] == pytest.approx(1.25)
    assert summary["node_latency_drift_p50_late_over_early"] is None  # none reported
    young.counts = {"spoken": 35}
    assert not summarise(old, young, 20, windows)["nothing_lost"]


def test_memory_growth_is_measured_when_the_node_has_given_free_memory_back():
    samples = [  # between texts memory kept by the allocator climbs; when idle it is flat
        Sample(i, 1000.0 if i % 10 == 0 else 1000.0 + i, 25, 23, 0.1, settled=i % 10 == 0)
        for i in range(1, 201)
    ]
    summary = summarise(Run(samples, 200, {"spoken": 200}), Run(), 20, latency_windows(200, 20, 1))
    assert summary["rss_growth_after_warmup_mb"] == 0.0
    assert summary["rss_mb_max_after_warmup"] == 1199.0


def test_latency_comparisons_leave_out_texts_said_from_the_phrase_cache():
    said = Sample(1, 1000.0, 25, 23, 0.2, 0.1)
    said_again = Sample(2, 1000.0, 25, 23, 0.01, 0.0, from_cache=True)  # out at once
    assert Run([said, said_again]).latencies(1, 2, "node_first_audio_s") == {1: 0.1}


def test_a_short_soak_accounts_for_every_text(tmp_path, test_model):
    out = tmp_path / "soak"
    result = run_command(
        [
            sys.executable,
            "-m",
            "ishowtts_ros.bench.soak",
            "--texts",
            "12",
            "--params-file",
            test_model["params"],
            "--out",
            str(out),
            "--sound-card",
            "null",  # texts heard as soon as synthesised: the long reports take no real time
        ],
        timeout=300,
        env=dict(os.environ, HF_HUB_OFFLINE="1"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads((out / "soak.json").read_text())
    summary = data["summary"]
    assert summary["nothing_lost"] and summary["texts_sent"] == 12
    assert summary["counts"]["ignored"] == 2  # the empty 11th text, and the 12th saying it again
    assert [s["sent"] for s in data["samples"]] == list(range(1, 13))
    # windows: text 11 against text 12; the young node says texts 2..12, stopped once heard
    assert summary["young_node_texts_sent"] == 11
    assert summary["young_node_counts"]["ignored"] == 2
    assert [s["sent"] for s in data["young_samples"]] == list(range(2, 13))
    assert all(s["rss_mb"] > 0 for s in data["young_samples"])
    both = [s for s in data["samples"] if s["first_audio_s"] and s["node_first_audio_s"]]
    assert len(both) >= 8  # the node's own figure for each text spoken to the end
    # heard here: from before it was sent to after the audio arrived; in the node: less
    assert all(s["node_first_audio_s"] < s["first_audio_s"] for s in both)
    assert (out / "soak.png").stat().st_size > 1000
    assert "no local playback" not in summary["warn_diagnostics_by_subject"]  # the null card
