# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The speaker stopped at chosen moments.

After its last chunk, before a reply's first audio, mid-interrupt, and while it takes a
text from the queue.
"""

import threading

from gates import SynthesisGate, inside
from test_speaker import WAIT_S, HeldOutput, SpeakingLog, speaker_with_go_queued, wait_for

from ishowtts_ros.speech.pacing import PacedOutput
from ishowtts_ros.speech.queue import TextQueue, Utterance
from ishowtts_ros.speech.reply_stream import ReplyStream
from ishowtts_ros.speech.speaker import Speaker
from ishowtts_ros.speech.stats import SpeechStats


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


def test_a_reply_stopped_before_its_first_audio_is_counted_dropped_once(engine):
    stats = SpeechStats()
    speaker = Speaker(TextQueue(), stats, [HeldOutput()], SpeakingLog(), engine.config.synthesis)
    speaker.engine_loaded(engine)
    reply = ReplyStream(idle_s=60.0, max_chars=1000)
    reply.add("No sentence has ended in this rep")
    item = Utterance("No sentence", stream=reply)
    item.on_done = lambda done: reply.abandon()  # as the node closes a stopped reply
    speaker.queue.put(item)
    speaker.start()
    try:
        assert wait_for(lambda: speaker._current is item)  # taken, waiting for its sentence
        speaker.stop_all()
        assert item.done.wait(WAIT_S) and item.outcome == "dropped"
        assert wait_for(lambda: speaker._current is None)
        assert (stats.dropped, stats.failed, stats.spoken) == (1, 0, 0)
    finally:
        speaker.close()


def test_an_interrupt_that_keeps_the_queue_cuts_only_what_is_heard(engine):
    """interrupt_drops_queue false: the texts waiting are said after the cut one."""
    output, stats = HeldOutput(), SpeechStats()
    speaker = Speaker(TextQueue(), stats, [output], SpeakingLog(), engine.config.synthesis)
    speaker.engine_loaded(engine)
    heard, waiting = Utterance("Go."), Utterance("Then this.")
    speaker.queue.put(heard)
    speaker.start()
    try:
        assert output.gate.reached.wait(WAIT_S)
        assert wait_for(lambda: heard.started and speaker._current is None)
        speaker.queue.put(waiting)
        assert wait_for(lambda: waiting.started)  # looked ahead: in flight, cut too
        later = Utterance("And this one.")
        speaker.queue.put(later)
        assert speaker.stop_all("interrupted", queued=None) == 0
        assert [heard.outcome, waiting.outcome] == ["dropped", "dropped"]
    finally:
        output.gate.open()
    try:
        assert later.done.wait(WAIT_S) and later.outcome == "spoken"
        assert stats.last_error == "interrupted"
    finally:
        speaker.close()


def test_a_stop_while_the_speaker_takes_a_text_finds_it_and_nothing_of_it_plays(engine):
    """A text leaves the queue and becomes current in one step: a stop finds it in one of them.

    The gate holds the speaker inside the queue's ``take``. Before, the stop ran meanwhile,
    found the text in neither place and returned 0; the text then played (a cancelled
    sound_play goal was heard). Now it waits for the step and cuts the text.
    """
    heard = []
    output = PacedOutput(lambda samples, rate, start: heard.append(len(samples)), lead_s=None)
    stats = SpeechStats()
    # Words of its own: no other test's phrase in the cache plays without synthesis.
    words = "A stop finds me as I am taken."
    speaker, text = speaker_with_go_queued(engine, output, stats, SpeakingLog(), words)
    taken, release = threading.Event(), threading.Event()
    take = speaker.queue.take

    def held_take():
        item = take()
        taken.set()
        release.wait(WAIT_S)
        return item

    speaker.queue.take = held_take
    stopped = []
    stopper = threading.Thread(
        target=lambda: stopped.append(speaker.stop(lambda item: item is text, "cancel"))
    )
    speaker.start()
    with SynthesisGate(engine):  # the speaker, once it has the text, waits here unlocked
        try:
            assert taken.wait(WAIT_S)
            stopper.start()
            # The old code's stop returned at once, having found nothing; the new one waits
            # for the take: release it once the stopper is inside stop (or has returned).
            assert wait_for(lambda: inside(stopper, "stop") or not stopper.is_alive())
            release.set()
            stopper.join(WAIT_S)
            assert stopped == [1]
        finally:
            release.set()
    try:
        assert text.done.wait(WAIT_S) and (text.outcome, text.reason) == ("dropped", "cancel")
        assert heard == [] and (stats.dropped, stats.spoken) == (1, 0)
    finally:
        speaker.close()
