# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Text normalisation and chunking (no model needed)."""

import pytest

from ishowtts_ros.engine.errors import TextError
from ishowtts_ros.engine.text import (
    chunk_text,
    max_chunk_bytes,
    normalise_text,
    read_vocab,
    shipped_vocab_path,
)

pytestmark = pytest.mark.no_torch


@pytest.fixture(scope="module")
def vocab():
    return read_vocab(shipped_vocab_path())


def test_whitespace_and_control_characters(vocab):
    assert (
        normalise_text("  Hello,\tworld!\x00\x1b[31m  Bye.\r\n", vocab)
        == "Hello, world! [31m Bye."
    )


def test_unknown_characters_are_dropped_and_typography_mapped(vocab):
    assert normalise_text("Robots 🤖 “rule” — ok…", vocab) == 'Robots "rule" , ok...'


def test_chinese_is_kept_for_pinyin(vocab):
    assert normalise_text("你好, robot.", vocab) == "你好, robot."


@pytest.mark.parametrize("text", ["", "   \n\t", "?!...,", "🤖🤖", "\x00\x01"])
def test_unspeakable_text_is_a_clear_error(vocab, text):
    with pytest.raises(TextError, match="nothing speakable"):
        normalise_text(text, vocab)


def test_oversized_text_is_refused(vocab):
    with pytest.raises(TextError, match="limit"):
        normalise_text("a" * 100_001, vocab)


def test_budget_follows_upstream_formula():
    # 50 bytes in 5 s of reference, 17 s left of the 22 s context
    assert max_chunk_bytes("x" * 50, 5.0, 1.0) == int(50 / 5.0 * 17.0)
    assert max_chunk_bytes("x" * 50, 5.0, 2.0) == int(50 / 5.0 * 17.0 * 2.0)


def test_chunks_keep_sentences_whole_and_first_chunk_short():
    text = (
        "Hello there, robot. This is the second sentence of the paragraph. "
        "And this third one is a little bit longer than the others are."
    )
    chunks = chunk_text(text, max_bytes=100, first_max_bytes=30)
    assert chunks[0] == "Hello there, robot."
    assert all(len(c.encode()) <= 100 for c in chunks)
    assert " ".join(chunks) == text


def test_overlong_clause_splits_between_words_then_characters():
    chunks = chunk_text("word " * 30 + "x" * 50, max_bytes=20, first_max_bytes=20)
    assert all(len(c.encode()) <= 20 for c in chunks)
    assert "".join(chunks).replace(" ", "") == ("word" * 30 + "x" * 50)


def test_cjk_sentences_split_at_cjk_punctuation():
    assert chunk_text("你好。今天很好！", max_bytes=15, first_max_bytes=15) == [
        "你好。",
        "今天很好！",
    ]
    assert chunk_text("你好。今天。", max_bytes=30, first_max_bytes=30) == ["你好。今天。"]
