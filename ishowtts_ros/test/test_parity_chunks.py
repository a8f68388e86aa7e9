# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Our chunking is upstream's ``chunk_text``, but for the differences we keep (named here)."""

import pytest

from ishowtts_ros.engine.text import chunk_text
from ishowtts_ros.engine.text import prepare_ref_text

from upstream_runs import CHINESE, DIGITS, EDGE_TEXTS, ENGLISH, MIXED


@pytest.mark.parametrize(
    "text",
    [
        ENGLISH,
        CHINESE,
        MIXED,
        DIGITS,
        CHINESE * 8,
        "Aaaa. " * 60,
        "One sentence without a stop " * 6,  # 168 bytes: whole, as upstream keeps it
        "你好。 Hello there! 再见。",
    ],
)
def test_chunks_equal_upstreams_chunk_text(text):
    from f5_tts.infer.utils_infer import chunk_text as upstream_chunk_text

    for budget in (40, 115, 175):
        assert chunk_text(text, budget) == upstream_chunk_text(text, budget)


def test_short_first_chunk_is_the_only_chunking_difference():
    from f5_tts.infer.utils_infer import chunk_text as upstream_chunk_text

    for text in (ENGLISH, CHINESE, DIGITS):
        ours = chunk_text(text, 175, first_max_bytes=60)
        assert len(ours[0].encode()) <= 60 and ours != upstream_chunk_text(text, 175)
        # After the short first chunk, upstream's chunking of the rest.
        assert text.startswith(ours[0])
        assert ours[1:] == upstream_chunk_text(text[len(ours[0]) :].lstrip(), 175)


def test_clause_bound_is_a_deliberate_difference_for_runaway_clauses():
    from f5_tts.infer.utils_infer import chunk_text as upstream_chunk_text

    runaway = "好" * 2000  # no punctuation at all: upstream makes one 6000-byte chunk
    assert upstream_chunk_text(runaway, 175) == [runaway]
    ours = chunk_text(runaway, 175, 0, 230)
    assert "".join(ours) == runaway and max(len(c.encode()) for c in ours) <= 230


def test_reference_text_keeps_its_inner_spaces_as_upstream():
    assert prepare_ref_text("Hello  there") == "Hello  there. "
    assert prepare_ref_text("你好。") == "你好。"
    assert prepare_ref_text("Hi.") == "Hi. "


def test_chinese_edge_texts_never_crash_the_engine(engine):
    for text in EDGE_TEXTS.values():
        audio = engine.synthesize(text, seed=1)
        assert audio.seconds == pytest.approx(engine.estimate_seconds(text), abs=1e-9)
