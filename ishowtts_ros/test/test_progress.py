# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Which word is heard: word times from a chunk's real audio, spread by UTF-8 bytes."""

import pytest

from ishowtts_ros.speech.progress import SILENCE, Progress, word_times, words_of

pytestmark = pytest.mark.no_torch


def test_a_chunks_audio_is_spread_over_its_words_by_their_utf8_bytes():
    times = word_times("Go to dock 3. 到了", 2.0)
    assert [word for word, _, _ in times] == ["Go", "to", "dock", "3.", "到", "了"]
    # bytes with the space after: "Go " 3, "to " 3, "dock " 5, "3. " 3, "到" 3, "了" 3
    weights = [3, 3, 5, 3, 3, 3]
    starts = [2.0 * sum(weights[:i]) / 20 for i in range(len(weights))]
    assert [start for _, start, _ in times] == pytest.approx(starts)
    assert times[-1][2] == pytest.approx(2.0)
    assert all(a[2] == b[1] for a, b in zip(times, times[1:], strict=False))


def test_the_word_heard_follows_the_chunk_from_its_start_and_is_empty_after_it():
    progress = Progress()
    assert progress.word_at(5.0) == SILENCE
    progress.chunk_started("one", "Turn left now", 1.3, at=10.0)  # 5, 5 and 3 bytes
    assert [progress.word_at(t).word for t in (9.9, 10.0, 10.49, 10.51, 11.0, 11.31)] == [
        "",
        "Turn",
        "Turn",
        "left",
        "now",
        "",
    ]
    assert progress.word_at(10.6) == (
        "left",
        1,
        pytest.approx(0.5),
        pytest.approx(0.1),
    )
    # The next chunk's words count on from the first's, and so does their position.
    progress.chunk_started("one", "and stop", 0.9, at=11.3)  # 4 bytes each
    assert progress.word_at(11.8) == ("stop", 4, pytest.approx(1.75), pytest.approx(0.05))
    progress.stopped()
    assert progress.word_at(11.8) == SILENCE


def test_what_was_heard_of_an_utterance_is_its_words_heard_whole_and_their_seconds():
    progress = Progress()
    assert progress.heard(1.0) == ([], 0.0)
    progress.chunk_started("old", "Something said before.", 1.0, at=0.0)
    progress.chunk_started("one", "Turn left now", 1.3, at=10.0)
    progress.chunk_started("one", "and stop", 0.9, at=11.3)  # 4 bytes each
    assert progress.heard(10.6) == (["Turn"], pytest.approx(0.6))
    assert progress.heard(11.8, owner="one") == (
        ["Turn", "left", "now", "and"],
        pytest.approx(1.8),
    )
    assert progress.heard(11.8, owner="old") == ([], 0.0)  # not the one heard now
    progress.stopped()
    assert progress.heard(12.0) == ([], 0.0)


def test_words_are_split_as_progress_counts_them():
    assert words_of("Go to dock 3. 到了 ok") == ["Go", "to", "dock", "3.", "到", "了", "ok"]
