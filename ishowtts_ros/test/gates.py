# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Gates a test owns, at the torch edge: they hold a node's thread until the test opens them."""

import sys
import threading

GATE_TIMEOUT_S = 300.0  # bounds a hold if the test fails before it opens the gate


def inside(thread: threading.Thread, function: str) -> bool:
    """Whether ``thread`` is now in a call of ``function`` (e.g. blocked on its lock)."""
    frame = sys._current_frames().get(thread.ident)
    while frame is not None:
        if frame.f_code.co_name == function:
            return True
        frame = frame.f_back
    return False


class Gate:
    """Holds whoever reaches it until the test opens it."""

    def __init__(self):
        self.reached = threading.Event()
        self.opened = threading.Event()

    def hold(self):
        self.reached.set()
        self.opened.wait(GATE_TIMEOUT_S)

    def open(self):
        self.opened.set()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.open()  # whatever the test asserted, the held thread goes on


class SynthesisGate(Gate):
    """Holds the synthesis at the model's next pass once ``chunks`` chunks were decoded.

    ``chunks`` 0 holds a synthesis in progress before its first chunk; 1 lets one chunk
    out (to the outputs) and holds the next one.
    """

    def __init__(self, engine, chunks: int = 0):
        super().__init__()
        self.decoded = 0
        self._chunks = chunks
        self._hooks = [
            engine.cfm.transformer.register_forward_pre_hook(self._before_pass),
            engine.runtime.decoder.vocos.head.register_forward_hook(self._after_decoding),
        ]

    def _before_pass(self, *args):
        if self.decoded >= self._chunks:
            self.hold()

    def _after_decoding(self, *args):
        self.decoded += 1

    def open(self):
        for hook in self._hooks:
            hook.remove()
        self.opened.set()
