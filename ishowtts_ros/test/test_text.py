# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Text normalisation and chunking (no model needed).

The comparison with upstream's own ``chunk_text`` is in test_parity_chunks.py (it needs torch).
"""

import pytest

from ishowtts_ros.engine.errors import TextError
from ishowtts_ros.engine.text import (
    chunk_text,
    max_chunk_bytes,
    fit_to_vocab,
    read_vocab,
    shipped_vocab_path,
)

pytestmark = pytest.mark.no_torch

CHINESE_PARAGRAPH = (
    "今天天气很好，我们一起去公园散步吧！公园里有很多人，有的在跑步，有的在下棋，"
    "还有的在唱歌。你想去湖边看看吗？那里的风景特别美丽，秋天的树叶变成了金黄色。"
)


@pytest.fixture(scope="module")
def vocab():
    return read_vocab(shipped_vocab_path())


def test_whitespace_and_control_characters_fold_to_single_spaces(vocab):
    assert fit_to_vocab("  Hello,\tworld!\x00\x07  Bye.\r\n", vocab) == "Hello, world! Bye."


def test_terminal_escape_sequences_are_not_spoken(vocab):
    text = "\x1b[31mError:\x1b[0m motor \x1b[1;33mhot\x1b[K\x1bc now."
    assert fit_to_vocab(text, vocab) == "Error: motor hot now."


@pytest.mark.parametrize(
    "text",
    [
        "Robots “rule” — ok… (really); yes: 100% #1 & more.",
        "对，这就是我！你好吗？「太乙真人」说：《封神》、好。",
        "我们明天去 Beijing 开会，好吗？The meeting starts at nine.",
        "學習中文很有趣。",
    ],
)
def test_text_the_vocab_covers_is_sent_as_upstream_sends_it(vocab, text):
    """Send full-width ，！？ as they are: upstream splits at them and they are in the vocab.

    Curly quotes and ; stay for upstream's own token mapping; only ： and ； change.
    """
    expected = text.replace("：", "，").replace("；", "，")
    assert fit_to_vocab(text, vocab) == expected


def test_full_width_clause_marks_missing_from_the_vocab_become_the_full_width_comma(vocab):
    # Deliberate difference: upstream sends the unknown token for ：and ；.
    assert "：" not in vocab and "；" not in vocab and "，" in vocab
    assert fit_to_vocab("注意：前方有人；请让开。", vocab) == "注意，前方有人，请让开。"


def test_unknown_characters_become_their_known_form_or_are_dropped(vocab):
    assert "ŵ" not in vocab and "ų" not in vocab and "é" in vocab
    assert fit_to_vocab("Ｒｏｂｏｔ １２３ 🤖 ŵaų café", vocab) == "Robot 123 wau café"
    assert fit_to_vocab("（好）", vocab) == "(好)"


@pytest.mark.parametrize("text", ["", "   \n\t", "?!...,", "🤖🤖", "\x00\x01", "，。！"])
def test_unspeakable_text_is_a_clear_error(vocab, text):
    with pytest.raises(TextError, match="nothing speakable"):
        fit_to_vocab(text, vocab)


def test_oversized_text_is_refused(vocab):
    with pytest.raises(TextError, match="limit"):
        fit_to_vocab("a" * 100_001, vocab)


def test_budget_follows_upstream_formula():
    # 50 bytes in 5 s of reference, 17 s left of the 22 s context
    assert max_chunk_bytes("x" * 50, 5.0, 1.0) == int(50 / 5.0 * 17.0)
    assert max_chunk_bytes("x" * 50, 5.0, 2.0) == int(50 / 5.0 * 17.0 * 2.0)
    assert max_chunk_bytes("x" * 50, 5.0, 1.0, context_seconds=27.0) == int(50 / 5.0 * 22.0)


def test_clauses_are_joined_within_the_budget_counting_upstreams_trailing_space():
    # Upstream compares len(chunk so far, with its trailing space) + len(next clause).
    assert chunk_text("Aaaa. Bbbb.", max_bytes=11) == ["Aaaa. Bbbb."]
    assert chunk_text("Aaaa. Bbbb.", max_bytes=10) == ["Aaaa.", "Bbbb."]


def test_a_long_clause_stays_whole_within_the_clause_bound():
    clause = "word " * 40 + "end."  # 204 bytes, no punctuation inside
    assert chunk_text(clause, max_bytes=175, max_clause_bytes=230) == [clause]


def test_a_clause_past_the_bound_is_split_between_words_then_characters():
    chunks = chunk_text("word " * 30 + "x" * 50, max_bytes=20, max_clause_bytes=20)
    assert all(len(c.encode()) <= 20 for c in chunks)
    assert "".join(chunks).replace(" ", "") == ("word" * 30 + "x" * 50)
    chinese = chunk_text("好" * 100, max_bytes=60, max_clause_bytes=60)
    assert [len(c) for c in chinese] == [20] * 5


def test_first_chunk_is_short_and_the_rest_as_upstream():
    text = (
        "Hello there, robot. This is the second sentence of the paragraph. "
        "And this third one is a little bit longer than the others are."
    )
    short_first = chunk_text(text, max_bytes=100, first_max_bytes=30)
    assert short_first[0] == "Hello there, robot."
    assert all(len(c.encode()) <= 100 for c in short_first)
    assert " ".join(short_first) == text
    assert (
        chunk_text(text, max_bytes=100)[0]
        == "Hello there, robot. This is the second sentence of the paragraph."
    )


def test_a_first_clause_longer_than_the_first_budget_is_split_between_words():
    chunks = chunk_text(
        "one two three four five six seven, eight.", max_bytes=100, first_max_bytes=12
    )
    assert chunks == ["one two", "three four five six seven, eight."]


def test_chinese_splits_at_full_width_punctuation_only():
    chunks = chunk_text(CHINESE_PARAGRAPH, max_bytes=60)
    assert "".join(chunks) == CHINESE_PARAGRAPH
    assert all(c[-1] in "，！。？" for c in chunks), chunks
    assert all(len(c.encode()) <= 60 for c in chunks)
    assert chunk_text("你好。今天很好！", max_bytes=15) == ["你好。", "今天很好！"]
    assert chunk_text("你好。今天。", max_bytes=30) == ["你好。今天。"]


def test_long_chinese_paragraph_without_spaces_is_chunked_at_punctuation(vocab):
    text = fit_to_vocab((CHINESE_PARAGRAPH * 20)[:2000], vocab)
    chunks = chunk_text(text, max_bytes=170, first_max_bytes=60, max_clause_bytes=230)
    assert "".join(chunks) == text
    assert all(c[-1] in "，！。？" for c in chunks[:-1])
