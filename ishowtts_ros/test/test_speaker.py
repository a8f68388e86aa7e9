# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The speaker with the small engine and a real output, stopped at chosen moments."""

import threading
import time

import numpy as np
import pytest
from gates import Gate, SynthesisGate

from ishowtts_ros.speech.pacing import PacedOutput
from ishowtts_ros.speech.queue import TextQueue, Utterance
from ishowtts_ros.speech.speaker import Speaker
from ishowtts_ros.speech.stats import SpeechStats, SpeechTiming

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


def speaker_with_go_queued(engine, output, stats, speaking, words: str = "Go."):
    """Return a speaker on ``output`` with ``words`` queued before its warm-up (run once idle)."""
    speaker = Speaker(TextQueue(), stats, [output], speaking, engine.config.synthesis)
    text = Utterance(words)
    speaker.queue.put(text)
    speaker.engine_loaded(engine)
    return speaker, text


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


class HeldOutput(PacedOutput):
    """Published-only output whose listener hears nothing until the test opens ``gate``."""

    def __init__(self, gain=None):
        self.gate, self.frames = Gate(), []
        super().__init__(self._emit_held, lead_s=0.0, gain=gain)

    def _emit_held(self, samples, rate, start):
        self.gate.hold()  # the first frame holds the output thread, and all behind it
        self.frames.append(samples.copy())


def test_one_text_is_looked_ahead_and_the_rest_wait_in_the_queue_for_its_policy(engine):
    """10 texts while one is heard, max_queue 1, drop_oldest: one looked ahead, 8 dropped."""
    output, stats = HeldOutput(), SpeechStats()
    queue = TextQueue(max_size=1, policy="drop_oldest")
    speaker = Speaker(queue, stats, [output], SpeakingLog(), engine.config.synthesis)
    speaker.engine_loaded(engine)
    heard = Utterance("Go.")
    queue.put(heard)
    speaker.start()
    try:
        assert output.gate.reached.wait(WAIT_S)  # its first frame is being heard, and held
        texts = [Utterance(f"Text number {n}.") for n in range(1, 11)]
        queue.put(texts[0])
        assert wait_for(lambda: texts[0].started)  # looked ahead: synthesised while "Go." plays
        queue.put(texts[1])
        # A second text beyond the one heard is never taken (a speaker that takes it does
        # so at once; a slow machine can only make this pass, never fail).
        assert not wait_for(lambda: texts[1].started, timeout=2.0)
        for text in texts[2:]:
            speaker.drop_all([old for old, _ in queue.put(text)], "queue full")
        # Nothing more is taken until "Go." is heard: the queue policy drops the others.
        assert wait_for(lambda: stats.dropped == 8)
        assert [t.outcome for t in texts[1:-1]] == ["dropped"] * 8 and not texts[-1].started
    finally:
        output.gate.open()
    try:
        assert texts[-1].done.wait(WAIT_S) and texts[-1].outcome == "spoken"
        assert [t.outcome for t in texts].count("spoken") == 2
    finally:
        speaker.close()


def test_a_volume_change_is_heard_in_audio_synthesised_before_it(engine):
    volume = [1.0]
    output = HeldOutput(gain=lambda: volume[0])
    speaker = Speaker(TextQueue(), SpeechStats(), [output], SpeakingLog(), engine.config.synthesis)
    speaker.engine_loaded(engine)
    text = Utterance("The package has arrived at the front desk. Please collect it soon.")
    speaker.queue.put(text)
    speaker.start()
    try:
        assert output.gate.reached.wait(WAIT_S)
        assert wait_for(lambda: speaker.hearing.ahead_s > 0 and not speaker._current)
        volume[0] = 0.0  # all of it synthesised, its first frame out: the rest is silent
    finally:
        output.gate.open()
    try:
        assert text.done.wait(WAIT_S) and len(output.frames) >= 2
        assert np.abs(output.frames[0]).max() > 0
        assert all(not frame.any() for frame in output.frames[1:])
    finally:
        speaker.close()


def test_an_output_refuses_audio_of_an_utterance_already_cut():
    """The stop's cut comes between a speaker's last check and its write: nothing plays."""
    frames = []
    output = PacedOutput(lambda samples, rate, start: frames.append(samples), lead_s=None)
    text = Utterance("Cut.")
    output.write(np.ones(2400, np.float32), 24000, text)
    text.cut = True
    output.write(np.ones(2400, np.float32), 24000, text)
    assert len(frames) == 1


def test_the_output_thread_survives_a_failing_callback_and_plays_on(caplog):
    heard = threading.Event()

    def broken(played):
        raise AttributeError("a bug in a callback")

    output = PacedOutput(lambda samples, rate, start: None, lead_s=0.0)
    output.mark(broken)
    output.write(np.zeros(240, np.float32), 24000)
    output.mark(lambda played: heard.set())
    assert heard.wait(WAIT_S)
    assert "paced-output failed" in caplog.text and "a bug in a callback" in caplog.text
    output.close()


def wait_for(predicate, timeout=WAIT_S):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


@pytest.mark.parametrize("rtf,held", [(20.0, True), (0.001, False)])
def test_a_text_starts_once_its_audio_covers_the_predicted_synthesis_of_the_next_chunk(
    engine, rtf, held
):
    """RTF 20 measured (a slow machine): the first chunk waits for the second one."""
    frames = []
    output = PacedOutput(lambda samples, rate, start: frames.append(samples), lead_s=None)
    stats = SpeechStats()
    stats.record_utterance(SpeechTiming(rtf * 4.0, 4.0, 0.1, 0.0))
    speaker = Speaker(TextQueue(), stats, [output], SpeakingLog(), engine.config.synthesis)
    speaker.engine_loaded(engine)
    text = "The package has arrived at the front desk. Please collect it before five today."
    assert len(engine.plan(text)) >= 2
    with SynthesisGate(engine, chunks=1) as second_chunk_held:
        speaker.queue.put(Utterance(text))
        speaker.start()
        try:
            assert second_chunk_held.reached.wait(WAIT_S)
            assert (frames == []) is held
        finally:
            second_chunk_held.open()
    speaker.close()


def test_a_repeating_sound_with_no_output_lasts_its_length_each_time_and_stops(engine):
    """No output configured: nothing paces the repeats, yet they must not spin a core."""
    speaker = Speaker(TextQueue(), SpeechStats(), [], SpeakingLog(), engine.config.synthesis)
    speaker.engine_loaded(engine)
    writes = []
    write = speaker.hearing.write
    speaker.hearing.write = lambda *args: (writes.append(time.monotonic()), write(*args))
    sound_s = 0.3
    tone = Utterance("", sound=(np.zeros(int(sound_s * 24000), np.float32), 24000), repeat=True)
    speaker.queue.put(tone)
    speaker.start()
    try:
        assert wait_for(lambda: len(writes) >= 2)
        started, before = time.monotonic(), len(writes)
        time.sleep(1.0)  # a window of real time: how many rounds fit in it
        rounds = len(writes) - before  # one block per round (the sound is one block long)
        assert rounds <= (time.monotonic() - started) / sound_s + 2, rounds
        speaker.stop_all()
        assert tone.done.wait(WAIT_S) and tone.outcome == "dropped"
    finally:
        speaker.close()


def test_with_no_output_a_text_ends_as_spoken_and_speaking_ends(engine, caplog):
    """No sound card and no tts/audio (a thin client without audio_common_msgs)."""
    speaking, stats = SpeakingLog(), SpeechStats()
    speaker = Speaker(TextQueue(), stats, [], speaking, engine.config.synthesis)
    speaker.engine_loaded(engine)
    text = Utterance("Quiet words.")
    speaker.queue.put(text)
    speaker.start()
    try:
        assert text.done.wait(WAIT_S) and text.outcome == "spoken"
        assert speaking.quiet.wait(WAIT_S) and speaking.values[-2:] == [True, False]
        assert stats.spoken == 1
        assert "the speaker failed" not in caplog.text
    finally:
        speaker.close()


class HeldSpeakingLog(SpeakingLog):
    """Holds the first "speaking false" as it is published, until the test opens ``gate``."""

    def __init__(self):
        super().__init__()
        self.gate = Gate()

    def __call__(self, value):
        if not value and not self.gate.reached.is_set():
            self.gate.hold()
        super().__call__(value)


def test_speaking_false_and_a_new_start_are_published_in_the_order_they_happen(engine):
    """A sound that starts while "speaking false" goes out is published speaking after it.

    Before, "false" was decided under the lock but published after it: a start in between
    went out first, and the robot played while tts/speaking read false.
    """
    speaking, stats = HeldSpeakingLog(), SpeechStats()
    output = PacedOutput(lambda samples, rate, start: None, lead_s=0.0)  # its own thread
    speaker = Speaker(TextQueue(), stats, [output], speaking, engine.config.synthesis)
    speaker.engine_loaded(engine)
    first, second = (Utterance("", sound=(np.zeros(2400, np.float32), 24000)) for _ in range(2))
    speaker.queue.put(first)
    speaker.start()
    try:
        assert speaking.gate.reached.wait(WAIT_S)  # "false" is being published
        speaker.queue.put(second)
        wait_for(lambda: second.started, timeout=2.0)  # the old speaker started it here
        speaking.gate.open()
        assert second.done.wait(WAIT_S) and wait_for(lambda: len(speaking.values) == 4)
        assert speaking.values == [True, False, True, False]
    finally:
        speaking.gate.open()
        speaker.close()
