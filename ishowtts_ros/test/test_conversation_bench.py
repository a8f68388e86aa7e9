# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The conversation benchmark runs end to end and reports what it measured."""

import json
import os
import sys

from processes import run_command


def test_the_conversation_bench_reports_interrupts_and_a_flood(tmp_path, test_model):
    out = tmp_path / "conversation.json"
    result = run_command(
        [
            sys.executable,
            "-m",
            "ishowtts_ros.bench.conversation",
            "--runs",
            "2",
            "--params-file",
            test_model["params"],
            "--out",
            str(out),
        ],
        timeout=300,
        env=dict(os.environ, HF_HUB_OFFLINE="1"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads(out.read_text())
    cut = data["interrupts"]
    assert cut["runs"] == 2 and len(cut["audio_after_s"]) == 2
    assert cut["max_s"] == max(cut["audio_after_s"])
    assert len(cut["heard_position_off_s"]) == 2 and cut["heard_words_off_max"] >= 0
    reply = data["streamed_reply"]
    assert reply["frames"] > 1 and reply["largest_gap_s"] >= 0 and reply["first_audio_s"] > 0
    # Ten texts and the paragraph, each spoken or dropped; the policy dropped most.
    flooded = data["flood"]
    assert flooded["spoken"] + flooded["dropped"] == 11 and flooded["dropped"] >= 8
    assert "interrupt -> silence on tts/audio: median" in result.stdout
    assert "tts/heard vs the audio out (stamps):" in result.stdout
