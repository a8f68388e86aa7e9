# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The busy-neighbour benchmark: each case under the wait policy it names, neighbours stopped."""

import os
import re

import pytest
from test_openmp_waits import DEFAULT_SPINS, PASSIVE_SPINS

from ishowtts_ros.bench import busy_neighbour


def test_each_case_runs_the_bench_under_its_policy_beside_its_neighbours(
    test_model, tmp_path, monkeypatch, capfd
):
    monkeypatch.setenv("OMP_WAIT_POLICY", "ACTIVE")  # a user's own value: the cases replace it
    monkeypatch.setenv("OMP_DISPLAY_ENV", "VERBOSE")  # each bench's libgomp says what it read
    bench_args = ["--config", test_model["config"], "--runs", "1", "--warmup", "0"]
    bench_args += ["--short-runs", "1", "--paragraph-runs", "1"]
    spins = {}
    for policy, neighbours in (("default", 0), ("PASSIVE", 1)):
        case = busy_neighbour.run_case(policy, neighbours, bench_args, str(tmp_path / "c.json"))
        assert case["rtf"] > 0 and case["first_audio_short_s"] > 0
        spins[policy] = re.findall(r"GOMP_SPINCOUNT = '(\d+)'", capfd.readouterr().err)
    assert spins == {"default": [DEFAULT_SPINS], "PASSIVE": [PASSIVE_SPINS]}


def test_neighbours_are_busy_while_the_block_runs_and_stopped_after_it_failed():
    with pytest.raises(RuntimeError, match="case failed"):
        with busy_neighbour.busy_neighbours(2):
            loops = [pid for pid in os.listdir("/proc") if is_busy_loop(pid)]
            assert len(loops) == 2
            raise RuntimeError("case failed")
    assert not any(os.path.exists(f"/proc/{pid}") and is_busy_loop(pid) for pid in loops)


def is_busy_loop(pid: str) -> bool:
    """Say whether ``pid`` is a busy loop started by this process (not by another run)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as stream:
            arguments = stream.read().split(b"\0")
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stream:
            parent = int(stream.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError):  # not a process, or it ended meanwhile
        return False
    return parent == os.getpid() and busy_neighbour.BUSY_LOOP.encode() in arguments


def test_the_table_gives_each_policys_ratios(capsys):
    samples = {
        ("default", 0): [{"rtf": 1.0, "first_audio_short_s": 0.5}],
        ("PASSIVE", 0): [{"rtf": 1.1, "first_audio_short_s": 0.6}],
        ("default", 2): [
            {"rtf": 3.0, "first_audio_short_s": 1.5},
            {"rtf": 2.0, "first_audio_short_s": 1.0},
        ],
        ("PASSIVE", 2): [{"rtf": 1.5, "first_audio_short_s": 0.7}],
    }
    busy_neighbour.print_table(busy_neighbour.summarise(samples), neighbours=2)
    table = capsys.readouterr().out
    assert "default/2 busy       2.500            1.250" in table
    assert "PASSIVE / default RTF, 0 busy: 1.10" in table
    assert "PASSIVE / default RTF, 2 busy: 0.60" in table
    assert "default: RTF 2 busy / idle: 2.50" in table
    assert "PASSIVE: RTF 2 busy / idle: 1.36" in table
