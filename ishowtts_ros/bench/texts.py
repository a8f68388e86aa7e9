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
