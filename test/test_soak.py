# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The soak benchmark: its arithmetic, and a short run against a real tts_node process."""

import json
import os
import subprocess
import sys

import pytest

from ishowtts_ros.bench.soak import FLIP_EVERY, FLIPS, flips_in_effect, make_texts
from ishowtts_ros.bench.soak_report import Sample, summarise


def test_text_mix_is_reproducible_with_hostile_ones_every_eleventh():
    texts = make_texts(44, seed=3)
    assert texts == make_texts(44, seed=3) and texts != make_texts(44, seed=4)
    assert texts[10] == "" and texts[21].isspace()  # the first two hostile texts
    assert all(len(t.split()) <= 40 for t in texts)


def test_a_replay_starts_with_the_parameters_the_long_run_had_set():
    """``--start-at`` sets at once what the flips of a long run had set by then."""
    state = {}
    for index in range(1, 1001):
        if index % FLIP_EVERY == 0:
            state.update(FLIPS[(index // FLIP_EVERY) % len(FLIPS)])
        if index > len(FLIPS) * FLIP_EVERY:  # every flip seen once: the state is complete
            assert flips_in_effect(index) == state, index


def test_summary_finds_growth_after_warm_up_and_latency_drift():
    samples = [
        Sample(i, 1000.0 + (i if i <= 20 else 20 + 0.1 * (i - 20)), 25, 23, 0.1 + 0.001 * i)
        for i in range(1, 101)
    ]
    counts = {"spoken": 95, "dropped": 3, "failed": 0, "ignored": 2}
    summary = summarise(samples, 100, counts, warmup=20)
    assert summary["nothing_lost"] and summary["accounted"] == 100
    # medians of texts 21..28 and 93..100: 1020.4 and 1027.6
    assert summary["rss_growth_after_warmup_mb"] == pytest.approx(7.2, abs=0.01)
    assert summary["first_audio_p95_late_s"] == pytest.approx(0.1 + 0.001 * 100)
    assert summary["threads_min_max_after_warmup"] == [25, 25]
    assert summary["latency_drift_p50_late_over_early"] > 1.0
    lost = summarise(samples, 101, counts, warmup=20)
    assert not lost["nothing_lost"]


@pytest.mark.parametrize("start_at", [1, 5])
def test_a_short_soak_accounts_for_every_text(tmp_path, test_model, start_at):
    out = tmp_path / "soak"
    result = subprocess.run(
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
            "--start-at",
            str(start_at),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ, HF_HUB_OFFLINE="1"),
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads((out / "soak.json").read_text())
    summary = data["summary"]
    sent = 12 - start_at + 1
    assert summary["nothing_lost"] and summary["texts_sent"] == sent
    assert summary["counts"]["ignored"] == 1  # the empty text, the 11th
    assert [s["sent"] for s in data["samples"]] == list(range(start_at, 13))
    assert (out / "soak.png").stat().st_size > 1000
