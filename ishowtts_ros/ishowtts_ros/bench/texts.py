# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The texts every benchmark speaks."""

import random
from typing import List, Tuple

# The reference system's quick-performance-test text.
REFERENCE = (
    "Hello world, this is a quick test of the optimized TTS system with additional text to "
    "match the longer audio duration used in the quick performance test for more accurate "
    "RTF measurements."
)
SHORT = "Turning left now."
PARAGRAPH = (
    "The package has arrived at the front desk. Please collect it before five o'clock today. "
    "If you need help carrying it, ask the robot at the entrance."
)

# One of each kind, unlike the warm-up's own texts: a first request after warm-up.
FIRST_REQUESTS = {
    "English": "Please follow me to the kitchen.",
    "English with digits": "Room 4B is 2 floors up, 35 m from here.",
    "Chinese with digits": "请在3号门等候，预计5分钟后到达。",
}
WORDS = (
    "the robot will now move to the kitchen and pick up a cup for you please wait here "
    "battery charging door open obstacle ahead turning left right stop excuse me"
).split()
SPEEDS = (1.0, 1.0, 0.5, 0.3)  # slow speech reaches the longest buckets


def mixed_lengths(count: int, seed: int = 0) -> List[Tuple[str, float]]:
    """(text, speed) pairs of 1 to 64 words: lengths across every shipped bucket."""
    rng = random.Random(seed)
    return [
        (
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 64))).capitalize() + ".",
            rng.choice(SPEEDS),
        )
        for _ in range(count)
    ]


# What a robot says again and again: its phrases.
ROBOT_PHRASES = (
    "Turning left now.",
    "Excuse me, please let me pass.",
    "Obstacle ahead.",
    "Door opening.",
    "Please wait here.",
    "Follow me.",
    "I have arrived.",
    "Battery low, going to charge.",
    "Hello! How can I help?",
    "Stopping now.",
)
# Sentences of a robot's long reports, numbers of every kind in them.
REPORT_SENTENCES = (
    "Delivery {a} of {b} is for room {room} on floor {floor}.",
    "My battery is at {pct}%, enough for about {minutes} minutes of driving.",
    "Today I drove {km}.{tenths} km and made {a} stops.",
    "Order number {order} will be ready at {hour}:{minute:02d}.",
    "The lab is at {temp} degrees and {pct} percent humidity.",
    "Please keep {cm} cm away from the arm while it lifts {kg} kg.",
    "The meeting in room {room} starts in {minutes} minutes and lasts {hours} hours.",
)
REPORT_CHARS = 400
# The robot mix: shares of short phrases, medium sentences and long reports, and of the
# medium and long texts that say one said before.
SHORT_SHARE, MEDIUM_SHARE = 0.35, 0.39
REPEAT_SHARE = 0.1


def report(rng: random.Random) -> str:
    """Return a long report of about ``REPORT_CHARS`` characters, numbers in every sentence."""
    sentences: List[str] = []
    while sum(len(s) + 1 for s in sentences) < REPORT_CHARS:
        sentences.append(
            rng.choice(REPORT_SENTENCES).format(
                a=rng.randint(1, 9),
                hours=rng.randint(2, 5),
                b=rng.randint(10, 20),
                room=rng.randint(100, 499),
                floor=rng.randint(1, 12),
                pct=rng.randint(5, 100),
                minutes=rng.randint(2, 90),
                km=rng.randint(0, 40),
                tenths=rng.randint(0, 9),
                order=rng.randint(1000, 99999),
                hour=rng.randint(0, 23),
                minute=rng.randint(0, 59),
                temp=rng.randint(15, 30),
                cm=rng.randint(20, 150),
                kg=rng.randint(1, 25),
            )
        )
    return " ".join(sentences)


def robot_text(rng: random.Random, said: List[str]) -> str:
    """One text of the robot mix; ``said`` holds the medium and long texts said so far."""
    draw = rng.random()
    if draw < SHORT_SHARE:
        return rng.choice(ROBOT_PHRASES)
    if said and rng.random() < REPEAT_SHARE:
        return rng.choice(said)
    if draw < SHORT_SHARE + MEDIUM_SHARE:
        words = [rng.choice(WORDS) for _ in range(rng.randint(7, 25))]
        if rng.random() < 0.5:
            words.insert(rng.randrange(len(words)), str(rng.randint(2, 500)))
        text = " ".join(words).capitalize() + "."
    else:
        text = report(rng)
    said.append(text)
    return text
