# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The speaker with the small engine and a real output, stopped at chosen moments."""

import threading

from gates import SynthesisGate

from ishowtts_ros.speech.pacing import PacedOutput
from ishowtts_ros.speech.queue import TextQueue, Utterance
from ishowtts_ros.speech.speaker import Speaker
from ishowtts_ros.speech.stats import SpeechStats

WAIT_S = 120.0  # bounds a wait if the speaker hangs; never reached when it works


class SpeakingLog:
    """What the speaker said of ``tts/speaking``; ``quiet`` once it said false."""

    def __init__(self):
        self.values = []
        self.quiet = threading.Event()

    def __call__(self, value):
        self.values.append(value)
        if not value:
            self.quiet.set()


def speaker_with_go_queued(engine, output, stats, speaking):
    """Return a speaker on ``output`` with "Go." queued before its warm-up (run once idle)."""
    speaker = Speaker(TextQueue(), stats, [output], speaking, engine.config.synthesis)
    text = Utterance("Go.")
    speaker.queue.put(text)
    speaker.engine_loaded(engine)
    return speaker, text


def test_a_stop_after_the_last_chunk_ends_the_text_and_speaking(engine):
    """A stop that lands after the synthesis ended, before the text waits to be heard."""
    speaking = SpeakingLog()

    def emit(samples, rate, start):
        speaker.stop_all()  # while the speaker hands on the text's one and only chunk

    stats = SpeechStats()
    speaker, text = speaker_with_go_queued(engine, PacedOutput(emit, lead_s=None), stats, speaking)
    speaker.start()
    try:
        assert text.done.wait(WAIT_S) and text.outcome == "dropped"
        assert speaking.quiet.wait(WAIT_S) and speaking.values == [True, False]
        assert stats.dropped == 1 and stats.spoken == 0
    finally:
        speaker.close()


def test_speaking_ends_when_the_text_is_heard_while_warm_up_steps_are_left(engine):
    """An output that hears at once (published only, or a device that never waits)."""
    speaking = SpeakingLog()
    output = PacedOutput(lambda samples, rate, start: None, lead_s=None)
    speaker, text = speaker_with_go_queued(engine, output, SpeechStats(), speaking)
    with SynthesisGate(engine, chunks=1) as warm_up_held:  # the text's one chunk goes out
        speaker.start()
        try:
            assert text.done.wait(WAIT_S) and text.outcome == "spoken"
            assert warm_up_held.reached.wait(WAIT_S)
            assert speaking.quiet.wait(WAIT_S) and speaking.values == [True, False]
        finally:
            warm_up_held.open()
            speaker.close()
