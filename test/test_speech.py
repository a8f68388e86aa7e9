# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The speaking service's plain logic: queue policies, text limits, diagnostic levels."""

import pytest

from ishowtts_ros.speech.diagnostics import ERROR, OK, WARN, speech_status
from ishowtts_ros.speech.queue import TextQueue, Utterance
from ishowtts_ros.speech.settings import SpeechSettings, parameter_specs
from ishowtts_ros.speech.stats import SpeechStats
from ishowtts_ros.speech.text_limits import limit_text

pytestmark = pytest.mark.no_torch


def fill(queue, count):
    dropped = []
    for index in range(count):
        dropped += queue.put(Utterance(f"text {index}"))
    return dropped


@pytest.mark.parametrize(
    "policy,kept,dropped",
    [
        ("queue", [0, 1, 2], [3, 4]),
        ("drop_new", [0, 1, 2], [3, 4]),
        ("drop_oldest", [2, 3, 4], [0, 1]),
        ("interrupt", [4], [0, 1, 2, 3]),
    ],
)
def test_queue_policies(policy, kept, dropped):
    queue = TextQueue(3, policy)
    lost = fill(queue, 5)
    assert [item.text for item, _ in lost] == [f"text {i}" for i in dropped]
    assert all(reason for _, reason in lost)
    assert [item.text for item in queue.clear()] == [f"text {i}" for i in kept]


def test_shrinking_the_queue_reports_what_no_longer_fits():
    queue = TextQueue(5)
    fill(queue, 5)
    lost = queue.configure(2, "queue")
    assert [item.text for item, _ in lost] == ["text 0", "text 1", "text 2"]
    assert queue.get(0.01).text == "text 3" and len(queue) == 1


def test_bad_queue_settings_name_the_value():
    with pytest.raises(ValueError, match="'shout'"):
        TextQueue(3, "shout")
    with pytest.raises(ValueError, match="0"):
        TextQueue(0)


def test_limit_text_cuts_at_a_sentence_end():
    assert limit_text("One. Two. Three.", 12) == ("One. Two.", True)
    assert limit_text("no sentence end here at all", 12) == ("no sentence", True)
    assert limit_text("short", 12) == ("short", False)
    assert limit_text("x" * 30, 12) == ("x" * 12, True)


def test_diagnostic_levels():
    stats = SpeechStats()
    report = speech_status(stats, 0, 32, 0.5, {})
    assert (report.level, report.message) == (OK, "loading")
    stats.engine_state = "ready"
    assert speech_status(stats, 0, 32, 0.5, {}).message == "ready"
    assert speech_status(stats, 26, 32, 0.5, {}).level == WARN
    stats.record_utterance(0.9, 0.2)
    report = speech_status(stats, 0, 32, 0.5, {"device": "cpu"})
    assert report.level == WARN and "mean RTF 0.90" in report.message
    assert dict(report.values)["device"] == "cpu" and dict(report.values)["spoken"] == "1"
    stats.engine_state, stats.engine_error = "failed", "checkpoint file not found: /x"
    report = speech_status(stats, 0, 32, 0.5, {})
    assert report.level == ERROR and "/x" in report.message


def test_settings_validate_and_every_parameter_is_documented():
    with pytest.raises(ValueError, match="volume"):
        SpeechSettings(volume=3.0)
    specs = {spec.name: spec for spec in parameter_specs()}
    assert specs["nfe_step"].range == (1, 64) and not specs["nfe_step"].read_only
    for name in ("model", "ckpt_file", "vocab_file", "vocoder_dir", "device", "dtype", "compile"):
        assert specs[name].read_only
    for name in ("voice", "nfe_step", "speed", "volume", "queue_policy", "max_queue"):
        assert not specs[name].read_only
    assert all(spec.description for spec in specs.values())
