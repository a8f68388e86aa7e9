# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Text: normalisation to what the vocab can say, and chunking into sentences.

Chunk sizes follow upstream's ``infer_process``: at most
``ref_bytes / ref_seconds * (22 - ref_seconds) * speed`` UTF-8 bytes, so that reference
plus chunk stay within the ~22 s the model was trained on. The first chunk is kept
shorter, so that the first audio is ready early.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Dict, List

from ishowtts_ros.engine.errors import TextError

MAX_TEXT_CHARS = 100_000
MAX_CONTEXT_SECONDS = 22.0
# Punctuation F5 was trained with in place of typographic variants its vocab may lack.
TYPOGRAPHY = str.maketrans(
    {"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": ", ", "…": "...", ";": ","}
)
# Upstream's chunk_text split: after ASCII punctuation followed by space, or after CJK punctuation.
SENTENCE_SPLIT = re.compile(r"(?<=[;:,.!?])\s+|(?<=[；：，。！？])")


def shipped_vocab_path() -> str:
    """Return the vocab.txt that ships inside the f5-tts wheel (the pretrained models' vocab)."""
    from importlib.resources import files

    return str(files("f5_tts").joinpath("infer/examples/vocab.txt"))


def read_vocab(path: str) -> Dict[str, int]:
    """Token ids from an f5-tts vocab.txt: one token a line, the space first (id 0 = unknown)."""
    with open(path, encoding="utf-8") as stream:
        vocab = {
            line[:-1] if line.endswith("\n") else line: index for index, line in enumerate(stream)
        }
    if vocab.get(" ") != 0:
        raise ValueError(f"vocab file {path} must have the space as its first token")
    return vocab


def is_cjk(char: str) -> bool:
    """Characters upstream converts to pinyin before looking them up."""
    return "\u3100" <= char <= "\u9fff"


def normalise_text(text: str, vocab: Dict[str, int]) -> str:
    """Return ``text`` reduced to characters the model knows, or raise :class:`TextError`.

    Control characters become spaces, white space is folded, typographic punctuation is
    mapped to ASCII, accents the vocab lacks are dropped, other unknown characters (emoji,
    scripts the model was not trained on) are removed.
    """
    if not isinstance(text, str):
        raise TextError(f"text must be a string, got {type(text).__name__}")
    if len(text) > MAX_TEXT_CHARS:
        raise TextError(f"text is {len(text)} characters long; the limit is {MAX_TEXT_CHARS}")
    text = unicodedata.normalize("NFKC", text).translate(TYPOGRAPHY)
    kept = []
    for char in text:
        if char.isspace() or unicodedata.category(char).startswith("C"):
            kept.append(" ")
        elif char in vocab or is_cjk(char):
            kept.append(char)
        else:
            base = unicodedata.normalize("NFKD", char)[0]
            if base in vocab and base != char:
                kept.append(base)
    result = " ".join("".join(kept).split())
    if not any(c.isalnum() for c in result):
        raise TextError(
            f"nothing speakable in text {_preview(text)}: no letters or digits the model knows"
        )
    return result


def max_chunk_bytes(ref_text: str, ref_seconds: float, speed: float) -> int:
    """Upstream's per-chunk byte budget for a reference of this length."""
    budget = (
        len(ref_text.encode("utf-8")) / ref_seconds * (MAX_CONTEXT_SECONDS - ref_seconds) * speed
    )
    return max(10, int(budget))


def chunk_text(text: str, max_bytes: int, first_max_bytes: int) -> List[str]:
    """Split into chunks of whole clauses within the byte budgets.

    Clauses end at punctuation; a clause longer than its budget is split between
    words, and a word longer than that is split between characters.
    """
    first_max_bytes = min(first_max_bytes, max_bytes)
    chunks: List[str] = []
    current = ""
    for clause in SENTENCE_SPLIT.split(text):
        clause = clause.strip()
        if not clause:
            continue
        for piece in _fit(clause, first_max_bytes if not chunks else max_bytes):
            limit = first_max_bytes if not chunks else max_bytes
            joined = _join(current, piece)
            if len(joined.encode("utf-8")) <= limit:
                current = joined
            else:
                if current:
                    chunks.append(current)
                current = piece
    if current:
        chunks.append(current)
    return chunks


def _join(head: str, tail: str) -> str:
    """Join clauses with a space, except after a multi-byte (CJK) character, as upstream."""
    if not head:
        return tail
    return head + tail if len(head[-1].encode("utf-8")) > 1 else f"{head} {tail}"


def _fit(clause: str, limit: int) -> List[str]:
    """Split a clause between words (or characters) into pieces of at most ``limit`` bytes."""
    if len(clause.encode("utf-8")) <= limit:
        return [clause]
    pieces, current = [], ""
    for word in clause.split(" "):
        while len(word.encode("utf-8")) > limit:
            head = _byte_prefix(word, limit)
            if current:
                pieces.append(current)
                current = ""
            pieces.append(head)
            word = word[len(head) :]
        joined = f"{current} {word}" if current else word
        if len(joined.encode("utf-8")) <= limit:
            current = joined
        else:
            pieces.append(current)
            current = word
    if current:
        pieces.append(current)
    return pieces


def _byte_prefix(word: str, limit: int) -> str:
    out = ""
    for char in word:
        if len((out + char).encode("utf-8")) > limit:
            break
        out += char
    return out or word[0]


def _preview(text: str, length: int = 40) -> str:
    return repr(text if len(text) <= length else text[:length] + "…")
