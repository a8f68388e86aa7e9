# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The fleet benchmark runs robots against real servers, batching on and off, and loses nothing."""

import json
import sys

from processes import run_command
from serving import one_server_at_a_time


def test_the_fleet_bench_compares_batching_on_and_off_and_loses_no_text(
    test_model, tmp_path, tmp_path_factory
):
    out = tmp_path / "fleet.json"
    command = [sys.executable, "-m", "ishowtts_ros.bench.fleet", "--config", test_model["config"]]
    command += ["--robots", "2", "--texts", "2", "--max-batch", "2,1"]
    command += ["--json", str(out), "--log-dir", str(tmp_path)]
    with one_server_at_a_time(tmp_path_factory):
        result = run_command(command, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = json.loads(out.read_text())["rows"]
    assert [(r["max_batch"], r["robots"]) for r in rows] == [(2, 2), (1, 2)]
    for row in rows:
        assert row["lost"] == 0 and row["texts"] == 2 * row["robots"]
        assert row["audio_s_per_s"] > 0 and row["first_audio_p95_s"] >= row["first_audio_p50_s"]
        assert max(int(size) for size in row["batches"]) <= row["max_batch"]
        assert row["rss_mb_first_tenth"] > 0
    assert "N=2: throughput batch 2 / batch 1 =" in result.stdout
