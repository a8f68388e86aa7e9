# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""A bounded queue of texts to speak, with the policies a robot may want when it fills."""

from __future__ import annotations

import collections
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Deque, List, Optional, Tuple

import numpy as np

if TYPE_CHECKING:
    from ishowtts_ros.speech.reply_stream import ReplyStream

POLICIES = ("queue", "interrupt", "drop_new", "drop_oldest")


@dataclass(eq=False)  # each utterance is itself: two equal texts are two utterances
class Utterance:
    """One accepted text, in a voice (None = the current default), or a sound to play.

    Whoever waits for it (a sound_play action goal) watches ``playing`` and ``done``;
    ``done`` is set once its audio has been heard, or it was dropped or failed.
    """

    text: str
    voice: Optional[str] = None
    received: float = field(default_factory=time.monotonic)
    sound: Optional[Tuple[np.ndarray, int]] = None
    """Samples and their rate, played instead of a synthesised ``text``."""
    volume: float = 1.0
    """This request's own gain, times the node's ``volume``."""
    repeat: bool = False
    """Say (or play) it again and again until it is stopped; synthesised once."""
    key: str = ""
    """What a stop request names it by (sound_play's PLAY_STOP)."""
    stream: Optional["ReplyStream"] = None
    """A reply still arriving piece by piece (``text`` is its first piece)."""
    on_start: Optional[Callable[["Utterance"], None]] = None
    """Called when its audio starts to be heard."""
    on_done: Optional[Callable[["Utterance"], None]] = None
    playing: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    outcome: str = ""
    reason: str = ""
    started: bool = False
    """Its audio has been handed to the outputs."""
    cut: bool = False
    """Stopped for good: the outputs refuse its audio, and its callbacks no longer count."""

    def finish(self, outcome: str, reason: str = "") -> None:
        """Record how it ended (the first call wins) and tell whoever waits."""
        if self.done.is_set():
            return
        self.outcome, self.reason = outcome, reason
        self.done.set()
        if self.on_done is not None:
            self.on_done(self)


class TextQueue:
    """FIFO of at most ``max_size`` utterances.

    When full, ``queue`` and ``drop_new`` refuse the new text, ``drop_oldest`` drops the
    oldest. ``interrupt`` empties the queue for every new text (the caller also stops
    what is speaking). ``put`` returns what was dropped, each with its reason, so that
    nothing disappears silently.
    """

    def __init__(self, max_size: int = 32, policy: str = "queue"):
        self._items: Deque[Utterance] = collections.deque()
        self._cond = threading.Condition()
        self.configure(max_size, policy)

    def configure(self, max_size: int, policy: str) -> List[Tuple[Utterance, str]]:
        """Change size and policy; returns what no longer fits (oldest first)."""
        if policy not in POLICIES:
            raise ValueError(f"queue_policy must be one of {'/'.join(POLICIES)}, got {policy!r}")
        if isinstance(max_size, bool) or not isinstance(max_size, int) or max_size < 1:
            raise ValueError(f"max_queue must be a positive integer, got {max_size!r}")
        with self._cond:
            self.max_size, self.policy = max_size, policy
            dropped = []
            while len(self._items) > max_size:
                dropped.append((self._items.popleft(), f"queue shrunk to {max_size}"))
            return dropped

    def __len__(self) -> int:
        with self._cond:
            return len(self._items)

    def put(self, item: Utterance) -> List[Tuple[Utterance, str]]:
        """Add a text under the current policy; return the dropped texts with reasons."""
        with self._cond:
            dropped: List[Tuple[Utterance, str]] = []
            if self.policy == "interrupt":
                dropped = [(old, "interrupted by a newer text") for old in self._items]
                self._items.clear()
            elif len(self._items) >= self.max_size:
                if self.policy == "drop_oldest":
                    dropped.append(
                        (self._items.popleft(), f"queue full ({self.max_size}): oldest dropped")
                    )
                else:
                    return [(item, f"queue full ({self.max_size}): new text dropped")]
            self._items.append(item)
            self._cond.notify()
            return dropped

    def wait(self, timeout: float) -> bool:
        """Wait at most ``timeout`` seconds for a text; True when one waits."""
        with self._cond:
            return self._cond.wait_for(lambda: bool(self._items), timeout)

    def take(self) -> Optional[Utterance]:
        """Take the oldest text, if any, without waiting."""
        with self._cond:
            return self._items.popleft() if self._items else None

    def clear(self) -> List[Utterance]:
        """Remove and return every queued text."""
        return self.remove(lambda item: True)

    def remove(self, matches: Callable[[Utterance], bool]) -> List[Utterance]:
        """Remove and return the queued texts ``matches`` picks."""
        removed: List[Utterance] = []
        kept: Deque[Utterance] = collections.deque()
        with self._cond:
            for item in self._items:
                (removed if matches(item) else kept).append(item)
            self._items = kept
            return removed
