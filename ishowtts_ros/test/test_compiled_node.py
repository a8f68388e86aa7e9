# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""tts_node with a compiled engine, as a robot boots it.

It speaks at once, compiles while idle, and one thread (the speaker's) owns every
compile and every synthesis. Two gates the test owns hold the node at the torch edge:
one stops the engine's load (at the reference clip's mel, a forward pre-hook on torch's
modules), one stops the first compile (dynamo's compile-start callback). No timing is
assumed.
"""

import os
import signal
import threading

import torch
from diagnostic_msgs.msg import DiagnosticArray
from std_msgs.msg import String
from torch._dynamo.callback import callback_handler

from gates import Gate
from ros_harness import RosHarness, wait_for
from test_optimize import EagerCalls, words
from tts_nodes import make_node, statuses


def test_speaks_at_once_compiles_while_idle_and_one_thread_owns_compiles_and_synthesis(
    test_model, compile_cache_dir
):
    from f5_tts.model.backbones.dit import TextEmbedding
    from f5_tts.model.modules import MelSpec

    load_gate, compile_gate = Gate(), Gate()
    compile_threads, synthesis_threads = [], []

    def before_forward(module, args):
        if isinstance(module, MelSpec) and threading.current_thread().name == "engine-load":
            load_gate.hold()  # the voice's reference: the engine is nearly loaded
        if isinstance(module, TextEmbedding):
            synthesis_threads.append(threading.current_thread().name)

    def on_compile_start(*args):
        compile_threads.append(threading.current_thread().name)
        if not compile_gate.reached.is_set():
            compile_gate.hold()

    load_hook = torch.nn.modules.module.register_module_forward_pre_hook(before_forward)
    callback_handler.register_start_callback(on_compile_start)
    ros = RosHarness()
    try:
        node = make_node(
            ros,
            test_model,
            compile="default",
            buckets=[512, 768],
            compile_cache_dir=compile_cache_dir,
            compile_in_child=False,  # the node compiles itself, a bucket per step
            fallback_voice="none",
            rtf_warn=100.0,  # "ready", not "slow", on a busy machine
        )
        diagnostics = ros.subscribe(DiagnosticArray, "/diagnostics")
        publisher = ros.publisher(String, "tts/text")
        assert load_gate.reached.wait(60.0), "the engine never started loading"
        publisher.publish(String(data="Turning left now."))
        assert wait_for(lambda: len(node.queue) == 1, 10.0)
        load_gate.opened.set()

        # The text waiting when the engine arrived is spoken before anything compiles.
        assert compile_gate.reached.wait(120.0), "nothing compiled"
        assert node.stats.spoken == 1, node.stats.last_error
        assert node.engine.runtime.compile_progress() == (0, 2)
        assert wait_for(
            lambda: (
                statuses(diagnostics)
                and statuses(diagnostics)[-1].message == "warming up: 0 of 2 buckets compiled"
            ),
            10.0,
        ), [s.message for s in statuses(diagnostics)]
        assert statuses(diagnostics)[-1].level == b"\x00"
        load_hook.remove()  # no global hook while dynamo traces
        engine = node.engine
        text_hook = engine.cfm.transformer.text_embed.register_forward_hook(
            lambda *a: synthesis_threads.append(threading.current_thread().name)
        )
        compile_gate.opened.set()

        assert wait_for(lambda: not node.speaker.warming_up, 300.0)
        assert engine.runtime.compile_progress() == (2, 2)
        assert wait_for(lambda: statuses(diagnostics)[-1].message == "ready", 10.0)
        eager = EagerCalls(engine.cfm.transformer)
        for text in ("Stop here.", words(24)):  # buckets 512 and 768
            publisher.publish(String(data=text))
        assert wait_for(lambda: node.stats.spoken == 3, 60.0), node.stats.last_error
        eager.close()
        text_hook.remove()
        assert eager.count == 0 and engine.runtime.health.eager_fallbacks == 0
        assert {engine.runtime.sampler.bucket_of(p.duration) for p in engine.plan(words(24))} == {
            512,
            768,
        }
        assert compile_threads and set(compile_threads) == {"speaker"}, compile_threads
        assert synthesis_threads and set(synthesis_threads) == {"speaker"}, synthesis_threads
    finally:
        load_gate.opened.set()
        compile_gate.opened.set()
        load_hook.remove()
        callback_handler.remove_start_callback(on_compile_start)
        ros.close()


def test_a_child_fills_the_compile_cache_while_the_node_speaks_then_buckets_load_from_it(
    test_model, compile_cache_dir
):
    """Nothing waits on the child's compile; the node then loads each bucket in a short step.

    The test holds the child (SIGSTOP, a gate it owns) while a text comes.
    """
    ros = RosHarness()
    try:
        node = make_node(
            ros,
            test_model,
            compile="default",
            buckets=[512],
            compile_cache_dir=compile_cache_dir,
            fallback_voice="none",
        )
        idle_work = node.speaker.idle_work
        assert wait_for(lambda: idle_work._filler is not None, 120.0), "no child started"
        child = idle_work._filler
        os.kill(child.pid, signal.SIGSTOP)
        try:
            ros.publisher(String, "tts/text").publish(String(data="Turning left now."))
            assert wait_for(lambda: node.stats.spoken == 1, 60.0), node.stats.last_error
            assert node.engine.runtime.compile_progress() == (0, 1)  # spoken uncompiled
        finally:
            os.kill(child.pid, signal.SIGCONT)
        assert child.wait(300.0) == 0
        assert wait_for(lambda: not node.speaker.warming_up, 300.0)
        engine = node.engine
        assert engine.runtime.compile_progress() == (1, 1) and engine.runtime.decoder.compiled
        eager = EagerCalls(engine.cfm.transformer)
        ros.publisher(String, "tts/text").publish(String(data="Stop here."))
        assert wait_for(lambda: node.stats.spoken == 2, 60.0), node.stats.last_error
        eager.close()
        assert eager.count == 0 and engine.runtime.health.eager_fallbacks == 0
    finally:
        ros.close()
