# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Gates a test owns, at the torch edge: they hold a node's thread until the test opens them."""

import threading

GATE_TIMEOUT_S = 300.0  # bounds a hold if the test fails before it opens the gate


class Gate:
    """Holds whoever reaches it until the test opens it."""

    def __init__(self):
        self.reached = threading.Event()
        self.opened = threading.Event()

    def hold(self):
        self.reached.set()
        self.opened.wait(GATE_TIMEOUT_S)


class SynthesisGate(Gate):
    """Holds the model's next forward pass (a synthesis in progress) while closed."""

    def __init__(self, transformer):
        super().__init__()
        self._hook = transformer.register_forward_pre_hook(lambda *args: self.hold())

    def open(self):
        self._hook.remove()
        self.opened.set()
