# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""How each kind of utterance becomes audio: a text, a streamed reply, a sound.

Each function pulls audio one chunk at a time and hands it to ``out`` (the speaker),
which waits before every chunk until the look-ahead has room, and raises
:class:`Stopped` once the utterance is cut.

Gapless on any machine: a text starts to be heard only once the audio ready covers the
predicted synthesis time of its next chunk (the node's measured real-time factor times
that chunk's planned length, with a margin), so no hole opens after its first chunk on a
machine slower than the one it was tuned on; on a fast one nothing is held.
"""

from __future__ import annotations

import logging
import time
from typing import Iterator, Optional, Protocol

import numpy as np

from ishowtts_ros.speech.queue import Utterance
from ishowtts_ros.speech.stats import SpeechTiming

LOG = logging.getLogger(__name__)
GAPLESS_MARGIN = 1.5  # predictions are estimates: have this much more ready than predicted
SOUND_BLOCK_S = 0.5  # sounds are handed on in blocks, so that look-ahead and stops apply
DRAIN_TIMEOUT_S = 600.0  # bounds one repetition's wait; a cut ends it at once


class Stopped(Exception):
    """The utterance being spoken was stopped."""


class Output(Protocol):
    """Where an utterance's audio goes (the speaker)."""

    engine: object
    fallback: object
    stats: object

    def room(self, item: Utterance) -> float:
        """Wait until another chunk may be synthesised; return the seconds ahead then."""

    def write(
        self, item: Utterance, samples: np.ndarray, rate: int, text: str = "", text_s: float = 0
    ) -> None:
        """Hand on audio of ``item``; raise :class:`Stopped` once it is cut.

        The audio starts saying ``text``, which lasts ``text_s`` (default: these samples).
        """

    def drain(self, item: Utterance) -> None:
        """Wait until ``item``'s audio so far has been heard (or it is cut)."""

    def settings(self): ...

    def lookahead_s(self) -> float: ...


def say(out: Output, item: Utterance, cancel) -> Optional[SpeechTiming]:
    """Say ``item``, whatever it is; its timing when the engine synthesised it."""
    if item.sound is not None:
        play(out, item, *item.sound)
    elif item.stream is not None:
        return say_reply(out, item, cancel, out.lookahead_s())
    elif out.engine is None:
        say_with_fallback(out, item)
    else:
        return say_text(out, item, cancel)
    return None


def paced(out: Output, item: Utterance, chunks: Iterator) -> Iterator:
    """``chunks``, each pulled (synthesised) only once the look-ahead has room for it."""
    while True:
        out.room(item)
        try:
            chunk = next(chunks)
        except StopIteration:
            return
        yield chunk


def say_text(out: Output, item: Utterance, cancel) -> SpeechTiming:
    """Synthesise and hand on a text (again and again when it repeats)."""
    started = time.monotonic()
    waited = max(0.0, started - item.received)
    first_audio: Optional[float] = None
    synthesis_s = audio_s = 0.0
    from_cache = True
    kept = []  # a repeated text is synthesised once
    settings = out.settings()
    chunks = out.engine.synthesize_stream(item.text, item.voice, settings, cancel=cancel)
    held = GaplessStart(out, item, settings)
    for chunk in paced(out, item, chunks):
        if first_audio is None:
            first_audio = time.monotonic() - started
        held.write(chunk)
        if item.repeat:
            kept.append((chunk.samples, chunk.sample_rate))
        synthesis_s += chunk.synthesis_s
        audio_s += chunk.seconds
        from_cache = from_cache and chunk.from_cache
    held.write_all()
    while item.repeat:
        out.drain(item)  # one repetition at a time
        for samples, rate in kept:
            out.room(item)
            out.write(item, samples, rate)
    return SpeechTiming(synthesis_s, audio_s, first_audio or 0.0, waited, from_cache)


class GaplessStart:
    """Holds a text's first chunks until they cover the predicted synthesis of the next."""

    def __init__(self, out: Output, item: Utterance, settings):
        self.out, self.item = out, item
        rtf = out.stats.mean_rtf  # None until a text was synthesised
        self.held: list = []
        self.needed_s: list = []  # audio ready needed before chunk i + 1 may be heard
        if rtf and not item.started:
            engine = out.engine
            plans = engine.plan(item.text, item.voice, settings)
            seconds = [
                (p.duration - p.ref_frames) * engine.hop_length / engine.sample_rate for p in plans
            ]
            self.needed_s = [GAPLESS_MARGIN * rtf * s for s in seconds[1:]]

    def write(self, chunk) -> None:
        self.held.append(chunk)
        index = len(self.held) - 1  # while nothing is written, the chunk's index in its text
        ready_s = sum(held.seconds for held in self.held)
        if index < len(self.needed_s) and ready_s < self.needed_s[index]:
            return  # the next chunk would not be ready in time: not yet
        self.write_all()
        self.needed_s = []  # started: the look-ahead keeps it going

    def write_all(self) -> None:
        for chunk in self.held:
            self.out.write(self.item, chunk.samples, chunk.sample_rate, chunk.text)
        self.held = []


def say_reply(out: Output, item: Utterance, cancel, full_chunks_ahead_s: float):
    """Say a reply streamed in, each text as soon as it is complete: one utterance.

    A later text gets full-size chunks only while ``full_chunks_ahead_s`` of audio is
    ahead; with less, its first chunk is kept short, so that it is ready before the audio
    ahead runs out.
    """
    from ishowtts_ros.engine.errors import TextError

    first_audio: Optional[float] = None
    waited = synthesis_s = audio_s = 0.0
    while True:
        text = item.stream.take()
        if text is None:
            break
        if not text:
            if item.cut:
                raise Stopped()
            item.stream.wait(0.02)
            continue
        ahead_s = out.room(item)
        if out.engine is None:
            samples = out.fallback.synthesize(text, out.settings().language)
            play(out, item, samples, out.fallback.sample_rate, text)
            continue
        started = time.monotonic()
        if first_audio is None:
            waited = started - item.received
        chunks = out.engine.synthesize_stream(
            text,
            item.voice,
            out.settings(),
            cancel=cancel,
            continuing=item.started and ahead_s >= full_chunks_ahead_s,
        )
        try:
            for chunk in paced(out, item, chunks):
                if first_audio is None:
                    first_audio = time.monotonic() - started
                out.write(item, chunk.samples, chunk.sample_rate, chunk.text)
                synthesis_s += chunk.synthesis_s
                audio_s += chunk.seconds
        except TextError as exc:  # one sentence with nothing to say: the rest still is
            LOG.info("skipped in a streamed reply: %s", exc)
    if item.cut:
        raise Stopped()  # stopped before its first audio: the stop accounted for it
    if not item.started:
        raise TextError("nothing speakable in the streamed reply")
    if out.engine is None:
        return None
    return SpeechTiming(synthesis_s, audio_s, first_audio or 0.0, waited)


def say_with_fallback(out: Output, item: Utterance) -> None:
    """Say the text in the fallback voice: no engine can (yet)."""
    samples = out.fallback.synthesize(item.text, out.settings().language)
    play(out, item, samples, out.fallback.sample_rate, item.text)


def play(out: Output, item: Utterance, samples: np.ndarray, rate: int, text: str = "") -> None:
    """Hand ``samples`` (saying ``text``) on in blocks (a stop cuts them short), repeating."""
    block = max(1, int(SOUND_BLOCK_S * rate))
    while True:
        for start in range(0, len(samples), block):
            out.room(item)
            said = (text, len(samples) / rate) if start == 0 else ("", 0)
            out.write(item, samples[start : start + block], rate, *said)
        if not item.repeat:
            return
        out.drain(item)
