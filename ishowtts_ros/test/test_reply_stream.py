# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Replies streamed in piece by piece, handed out sentence by sentence (no torch, no ROS)."""

import time

import pytest

from ishowtts_ros.speech.reply_stream import LONG_SENTENCE_BYTES, ReplyStream, sentence_ends

pytestmark = pytest.mark.no_torch

REPLY = (
    "Dr. Smith left the package at 5 p.m. today. It weighs 3.5 kg and costs $12.50. "
    "The tracking page is https://example.com/track?id=42 if you need it. "
    "「你好。」他说。请在3号门等候！"
)


def split(text):
    ends = sentence_ends(text)
    return [text[a:b].strip() for a, b in zip([0, *ends[:-1]], ends, strict=True)]


def test_sentences_keep_abbreviations_decimals_money_urls_and_chinese_quotes_whole():
    assert split(REPLY) == [
        "Dr. Smith left the package at 5 p.m. today.",
        "It weighs 3.5 kg and costs $12.50.",
        "The tracking page is https://example.com/track?id=42 if you need it.",
        "「你好。」他说。",
        "请在3号门等候！",
    ]


def stream_in(reply, pieces_of=3, idle_s=5.0, first_bytes=LONG_SENTENCE_BYTES):
    """Feed ``reply`` in pieces of a few characters; return what was handed out, and when."""
    stream = ReplyStream(idle_s, 10_000, first_bytes)
    said = []
    for start in range(0, len(reply), pieces_of):
        assert stream.add(reply[start : start + pieces_of])
        text = stream.take()
        if text:
            said.append((text, start + pieces_of))
    stream.end()
    while (text := stream.take()) is not None:
        if text:
            said.append((text, len(reply)))
    return said


def test_first_the_first_sentence_as_soon_as_text_follows_it_then_all_that_is_complete():
    said = stream_in(REPLY)
    assert "".join(text for text, _ in said).replace(" ", "") == REPLY.replace(" ", "")
    first, at = said[0]
    assert first == "Dr. Smith left the package at 5 p.m. today."
    assert at <= len(first) + 1 + 3  # handed out with the piece after its end
    # Every later text is whole sentences: nothing is cut inside one.
    assert all(text in split(REPLY) or len(split(text)) > 1 for text, _ in said[1:])


def test_a_long_sentence_without_an_end_is_said_up_to_its_last_clause():
    stream = ReplyStream(5.0, 10_000)
    stream.add("Hello. ")
    stream.add("x")
    assert stream.take() == "Hello."
    clause = "first we go left past the kitchen, " * 6
    stream.add(clause + "then")
    assert len(clause) > LONG_SENTENCE_BYTES
    assert stream.take() == ("x" + clause).strip()
    assert stream.take() == ""  # "then" may still grow


def test_a_quiet_reply_ends_by_itself_and_the_next_piece_opens_another():
    stream = ReplyStream(1.0, 10_000)
    assert stream.add("No end to this")
    assert stream.take() == ""  # unless a second went by since the piece came
    time.sleep(1.05)
    assert stream.over and stream.take() == "No end to this"
    assert stream.take() is None
    assert not stream.add("Too late.")  # belongs to the next reply


def test_an_abandoned_reply_swallows_its_later_pieces_and_the_rest_is_cut_at_max_chars():
    stream = ReplyStream(5.0, 10_000)
    stream.add("Stopped right here. And")
    stream.abandon()
    assert stream.add(" the rest of it.")  # still this reply's, left unsaid
    assert stream.take() is None
    short = ReplyStream(5.0, 12)
    short.add("Twelve chars and more.")
    short.end()
    assert short.cut and short.take() == "Twelve chars"


NUMBERS = "The total is 12,345 units at 10:30, e.g. Dr. Smith said 3.5 m. We ship at 9:15 tonight."


@pytest.mark.parametrize("pieces_of", [1, 2, 3, 5])
@pytest.mark.parametrize("first_bytes", [8, 20, 60])
def test_streamed_token_by_token_numbers_times_and_abbreviations_are_never_cut(
    pieces_of, first_bytes
):
    """A clause mark counts only before a space: "12," then "345" is one number."""
    said = [text for text, _ in stream_in(NUMBERS, pieces_of, first_bytes=first_bytes)]
    assert " ".join(said) == NUMBERS
    for whole in ("12,345", "10:30", "e.g. Dr. Smith", "3.5 m.", "9:15"):
        assert any(whole in text for text in said), (whole, said)


def test_a_chinese_reply_without_punctuation_is_said_before_it_ends():
    reply = "我们现在去厨房然后经过客厅再到门口等你的朋友来取包裹" * 8  # 200 characters
    said = stream_in(reply, pieces_of=2, first_bytes=60)
    first, at = said[0]
    assert at < len(reply) and len(first.encode()) > 60  # cut once over the first chunk
    assert "".join(text for text, _ in said) == reply


def test_a_run_on_reply_is_cut_between_words_and_max_chars_never_cuts_a_word():
    reply = "and then we go on " * 20
    said = stream_in(reply, pieces_of=4, first_bytes=40)
    assert said[0][1] < len(reply)
    assert all(word in ("and", "then", "we", "go", "on") for t, _ in said for word in t.split())
    short = ReplyStream(5.0, 15)
    short.add("Twelve characters")  # 15 ends inside "characters"
    short.end()
    assert short.cut and short.take() == "Twelve"
