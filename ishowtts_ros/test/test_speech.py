# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The speaking service's plain logic: queue policies, text limits, diagnostic levels."""

import pytest

from ishowtts_ros.speech.diagnostics import ERROR, OK, WARN, speech_status
from ishowtts_ros.speech.queue import TextQueue, Utterance
from ishowtts_ros.parameters import defaults
from ishowtts_ros.speech.settings import TTS_NODE_SETTINGS, SpeechSettings
from ishowtts_ros.speech.stats import SpeechStats, SpeechTiming, nearest_rank
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
    assert queue.take().text == "text 3" and len(queue) == 1


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


def test_limit_text_cuts_chinese_at_a_sentence_end_without_spaces():
    assert limit_text("今天很好。我们走吧！明天见。", 11) == ("今天很好。我们走吧！", True)


def status(stats, queue_depth=0, usable=("test",), unusable=None, now=None, rtf_warn=0.5):
    return speech_status(
        stats, queue_depth, 32, rtf_warn, {"device": "cpu"}, list(usable), unusable or {}, now
    )


def test_diagnostic_loading_ready_slow_and_full():
    stats = SpeechStats()
    assert (status(stats, usable=()).level, status(stats, usable=()).message) == (OK, "loading")
    stats.engine_state = "ready"
    assert (status(stats).level, status(stats).message) == (OK, "ready")
    assert status(stats, queue_depth=26).level == WARN
    stats.record_utterance(SpeechTiming(0.9, 1.0, 0.2, 0.0))
    report = status(stats)
    assert report.level == WARN and "mean RTF 0.90" in report.message
    values = dict(report.values)
    assert values["device"] == "cpu" and values["spoken"] == "1"
    assert values["voices usable"] == "test" and values["p95 first-audio latency s"] == "0.200"


def test_diagnostic_engine_failure_is_an_error():
    stats = SpeechStats(engine_state="failed", engine_error="checkpoint file not found: /x")
    report = status(stats)
    assert report.level == ERROR and "/x" in report.message


def test_diagnostic_a_sound_card_that_fails_warns_and_one_that_stalls_is_an_error():
    stats = SpeechStats(engine_state="ready", playback_error="playback failed on 'usb': gone")
    assert (status(stats).level, status(stats).message) == (WARN, "playback failed on 'usb': gone")
    stats.playback_error = "audio device 'usb' took no audio for 2 s"
    stats.playback_stalled = True
    assert (status(stats).level, status(stats).message) == (ERROR, stats.playback_error)


def test_diagnostic_warm_up_compile_problems_and_the_fallback_voice():
    stats = SpeechStats()
    report = speech_status(stats, 0, 32, 0.5, {}, [], {}, fallback="espeak-ng")
    assert (report.level, report.message) == (OK, "loading; espeak-ng speaks meanwhile")
    stats.engine_state = "ready"
    warming = "warming up: 2 of 6 buckets compiled"
    report = speech_status(stats, 0, 32, 0.5, {}, ["test"], {}, warm_up=warming)
    assert (report.level, report.message) == (OK, warming)  # speaking meanwhile: not a fault
    problem = "compiling failed, speaking uncompiled: InductorError: no C++ compiler"
    report = speech_status(stats, 0, 32, 0.5, {}, ["test"], {}, compile_problem=problem)
    assert (report.level, report.message) == (WARN, problem)
    stats.engine_state, stats.engine_error = "failed", "checkpoint file not found: /x"
    report = speech_status(stats, 0, 32, 0.5, {}, [], {}, fallback="espeak-ng")
    assert report.level == ERROR
    assert (
        report.message
        == "engine failed to load: checkpoint file not found: /x; espeak-ng speaks meanwhile"
    )


def test_diagnostic_names_unusable_voices_and_errors_without_a_usable_one():
    stats = SpeechStats(engine_state="ready")
    report = status(stats, unusable={"bob": "reference audio not found: /b.wav"})
    assert report.level == WARN and "bob (reference audio not found: /b.wav)" in report.message
    assert dict(report.values)["voices unusable"] == "bob"
    report = status(stats, usable=(), unusable={"bob": "silent"})
    assert report.level == ERROR and report.message == "no usable voice: bob (silent)"


def test_diagnostic_errors_after_three_failures_in_a_row_and_warns_for_a_minute():
    stats = SpeechStats(engine_state="ready")
    for _ in range(2):
        stats.record_failure("VoiceError: voice 'bob' is unusable")
    report = status(stats)
    assert report.level == WARN and "2 texts failed in the last 60 s" in report.message
    stats.record_failure("VoiceError: voice 'bob' is unusable")
    report = status(stats)
    assert report.level == ERROR and report.message.startswith("the last 3 texts failed")
    assert "bob" in report.message
    stats.record_utterance(SpeechTiming(0.1, 1.0, 0.1, 0.0))  # ends the run of failures
    assert status(stats).level == WARN
    later = stats.failure_times[-1] + 61.0
    assert status(stats, now=later).level == OK
    assert dict(status(stats, now=later).values)["failed in the last 60 s"] == "0"


def test_nearest_rank_percentile():
    assert nearest_rank([], 0.5) is None
    assert nearest_rank([3.0, 1.0, 2.0], 0.5) == 2.0
    assert nearest_rank(range(1, 101), 0.95) == 95


def test_p95_latency_is_the_nearest_rank_from_start_and_from_arrival():
    stats = SpeechStats()
    for value in range(1, 101):
        stats.record_utterance(SpeechTiming(0.1, 1.0, value / 100, waited_s=1.0))
    assert stats.p95_first_audio_s == pytest.approx(0.95)
    assert stats.p95_first_audio_from_arrival_s == pytest.approx(1.95)
    values = dict(status(stats).values)
    assert values["last first-audio latency s"] == "1.000"
    assert values["last first-audio latency from arrival s"] == "2.000"


def test_mean_rtf_is_the_syntheses_own_with_cache_hits_counted_apart():
    """A phrase said from the cache has no synthesis: it used to pull the mean RTF to 0."""
    stats = SpeechStats()
    stats.record_utterance(SpeechTiming(0.5, 1.0, 0.1, 0.0))
    stats.record_utterance(SpeechTiming(1.5, 3.0, 0.1, 0.0))
    for _ in range(5):
        stats.record_utterance(SpeechTiming(0.0, 2.0, 0.001, 0.0, from_cache=True))
    assert stats.mean_rtf == pytest.approx(2.0 / 4.0)  # synthesis time over audio time
    assert (stats.spoken, stats.cache_hits) == (7, 5)
    assert dict(status(stats).values)["said again from the phrase cache"] == "5"


def test_settings_are_validated_by_their_table():
    with pytest.raises(ValueError, match=r"volume must be a number in 0.0..2.0, got 3.0"):
        SpeechSettings(volume=3.0)
    with pytest.raises(ValueError, match="queue_policy must be one of queue/interrupt"):
        SpeechSettings(queue_policy="shout")
    with pytest.raises(ValueError, match="rtf_warn must be a number in 0.001..100.0, got 0"):
        SpeechSettings(rtf_warn=0)  # the descriptor and validation once disagreed on 0
    with pytest.raises(ValueError, match="max_queue must be an integer"):
        SpeechSettings(max_queue=True)


def test_every_tts_node_parameter_has_one_table_entry():
    for settings_class, table in TTS_NODE_SETTINGS:
        assert list(defaults(settings_class)) == list(table)
        assert all(param.description for param in table.values())
    runtime = {name for _, table in TTS_NODE_SETTINGS for name, p in table.items() if p.runtime}
    assert {"voice", "nfe_step", "speed", "volume", "queue_policy", "max_queue"} <= runtime
    assert not runtime & {"model", "ckpt_file", "vocab_file", "vocoder_dir", "device", "compile"}
