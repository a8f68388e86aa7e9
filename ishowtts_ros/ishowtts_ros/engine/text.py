# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Text: reduction to what the vocab can say, and chunking as upstream chunks.

Upstream f5-tts sends the text as it comes: characters the vocab lacks become the unknown
token, and durations count the UTF-8 bytes of the text. So text the vocab covers is left
exactly as it is (full-width ，！？ included: they are in the vocab, and upstream splits
Chinese at them); only what upstream would turn into the unknown token is changed.

Chunking is upstream's ``chunk_text`` with the byte budget ``infer_process`` computes:
``ref_bytes / ref_seconds * (22 - ref_seconds) * speed``, so that reference plus chunk
stay within the ~22 s the model was trained on. Two deliberate differences, each with
its own switch or bound: the first chunk may be kept shorter (first audio sooner), and a
clause so long that reference plus clause would not fit the largest bucket (see
:func:`.text_plan.clause_context_seconds`) is split between words (upstream sends it
whole, far past what the model was trained on).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Dict, List

from ishowtts_ros.engine.errors import TextError

MAX_TEXT_CHARS = 100_000
MAX_CONTEXT_SECONDS = 22.0
# Characters upstream's convert_char_to_pinyin maps to ASCII itself: left for it to map,
# so that durations count their bytes as upstream does.
MAPPED_BY_UPSTREAM = frozenset(";“”‘’")
# Full-width clause marks the vocab lacks (upstream sends the unknown token for them):
# the full-width comma keeps their split, their byte count and a pause.
CLAUSE_MARKS = {"：": "，", "；": "，"}
# Terminal escape sequences (colours, cursor moves) in logged text: control, not words.
ESCAPE_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|[0-~])")
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


def fit_to_vocab(text: str, vocab: Dict[str, int]) -> str:
    """Return ``text`` reduced to characters the model knows, or raise :class:`TextError`.

    Characters the vocab knows stay as they are. Terminal escape sequences, control
    characters and white space become single spaces; full-width ：； become ，; other
    unknown characters become their compatibility form (full-width digits and letters,
    ligatures) or their base letter (accents) when the vocab knows that, and are dropped
    otherwise (emoji, scripts the model was not trained on).
    """
    if not isinstance(text, str):
        raise TextError(f"text must be a string, got {type(text).__name__}")
    if len(text) > MAX_TEXT_CHARS:
        raise TextError(f"text is {len(text)} characters long; the limit is {MAX_TEXT_CHARS}")
    kept = [_speakable(char, vocab) for char in ESCAPE_SEQUENCE.sub(" ", text)]
    result = " ".join("".join(kept).split())
    if not any(c.isalnum() for c in result):
        raise TextError(
            f"nothing speakable in text {preview(text)}: no letters or digits the model knows"
        )
    return result


def _speakable(char: str, vocab: Dict[str, int]) -> str:
    """Return what to send the model for one character of input."""
    if char.isspace() or unicodedata.category(char).startswith("C"):
        return " "
    if char in vocab or is_cjk(char) or char in MAPPED_BY_UPSTREAM:
        return char
    if char in CLAUSE_MARKS:
        return CLAUSE_MARKS[char]
    compatible = unicodedata.normalize("NFKC", char)
    if compatible and all(c in vocab or is_cjk(c) or c.isspace() for c in compatible):
        return compatible
    base = unicodedata.normalize("NFKD", char)[0]
    return base if base in vocab else ""


def max_chunk_bytes(
    ref_text: str, ref_seconds: float, speed: float, context_seconds: float = MAX_CONTEXT_SECONDS
) -> int:
    """Upstream's per-chunk byte budget for a reference of this length (``infer_process``).

    ``ref_text`` is the reference text as ``preprocess_ref_audio_text`` returns it,
    ``ref_seconds`` the length of the preprocessed clip.
    """
    budget = len(ref_text.encode("utf-8")) / ref_seconds * (context_seconds - ref_seconds) * speed
    return max(10, int(budget))


def chunk_text(
    text: str, max_bytes: int, first_max_bytes: int = 0, max_clause_bytes: int = 0
) -> List[str]:
    """Split ``text`` into chunks as upstream's ``chunk_text(text, max_chars=max_bytes)``.

    Clauses end at punctuation and are joined while the chunk stays within the budget.
    ``first_max_bytes`` (0 = off) is a smaller budget for the first chunk; a first
    clause longer than it is split between words. Clauses longer than
    ``max_clause_bytes`` (0 = no bound) are split between words, or between characters
    where there are no spaces.
    """
    clauses = [c for c in SENTENCE_SPLIT.split(text) if c]
    if max_clause_bytes:
        clauses = [piece for c in clauses for piece in split_between_words(c, max_clause_bytes)]
    first_budget = min(first_max_bytes, max_bytes) if first_max_bytes else max_bytes
    if first_max_bytes and clauses and _bytes(clauses[0].strip()) > first_budget:
        clauses[:1] = split_between_words(clauses[0].strip(), first_budget)
    chunks: List[str] = []
    current = ""
    for clause in clauses:
        limit = max_bytes if chunks else first_budget
        if _bytes(current) + _bytes(clause) <= limit:
            current += _with_space(clause)
        else:
            if current:
                chunks.append(current.strip())
            current = _with_space(clause)
    if current.strip():
        chunks.append(current.strip())
    return chunks


def _with_space(clause: str) -> str:
    """Upstream appends a space to a clause that ends in a single-byte character."""
    return clause + " " if len(clause[-1].encode("utf-8")) == 1 else clause


def split_between_words(clause: str, limit: int) -> List[str]:
    """Split a clause between words (or characters) into pieces of at most ``limit`` bytes."""
    if _bytes(clause) <= limit:
        return [clause]
    pieces, current = [], ""
    for word in clause.split(" "):
        while _bytes(word) > limit:
            head = _byte_prefix(word, limit)
            if current:
                pieces.append(current)
                current = ""
            pieces.append(head)
            word = word[len(head) :]
        joined = f"{current} {word}" if current else word
        if _bytes(joined) <= limit:
            current = joined
        else:
            pieces.append(current)
            current = word
    if current:
        pieces.append(current)
    return [piece for piece in pieces if piece.strip()]


def _bytes(text: str) -> int:
    return len(text.encode("utf-8"))


def _byte_prefix(word: str, limit: int) -> str:
    out = ""
    for char in word:
        if _bytes(out + char) > limit:
            break
        out += char
    return out or word[0]


def preview(text: str, length: int = 40) -> str:
    """Quote the start of a text for a log line or an error."""
    return repr(text if len(text) <= length else text[:length] + "…")


def prepare_ref_text(ref_text: str) -> str:
    """Shape the reference text as upstream's ``preprocess_ref_audio_text`` returns it.

    It ends in ". " or "。"; nothing inside it changes. This is the text the chunk budget
    is computed from.
    """
    if not ref_text.endswith(". ") and not ref_text.endswith("。"):
        ref_text += " " if ref_text.endswith(".") else ". "
    return ref_text


def model_ref_text(ref_text: str) -> str:
    """Return the reference text the model reads, as ``infer_batch_process`` shapes it.

    One more space follows a single-byte last character. Token ids and durations are
    computed from it.
    """
    return ref_text + " " if len(ref_text[-1].encode("utf-8")) == 1 else ref_text
