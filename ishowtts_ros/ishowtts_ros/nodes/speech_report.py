# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""What tts_node's speech diagnostic is made of: its engine, voices, outputs and counters."""

from __future__ import annotations

from ishowtts_ros.nodes.remote_speech import server_problem, server_report
from ishowtts_ros.speech.diagnostics import speech_status
from ishowtts_ros.status import StatusReport


def speech_report(node) -> StatusReport:
    """Return the speech status of a tts_node, from what its parts say now."""
    # Output errors last until the output works again.
    if node.player is not None:
        node.stats.playback_error = node.player.error
        node.stats.playback_stalled = node.player.stalled
    if node.audio_output is not None:
        node.stats.publish_error = node.audio_output.error
    engine = node.engine
    info = {"nfe_step": str(node.synthesis.nfe_step)}
    usable, unusable = [], {}
    if engine is not None:
        usable, unusable = list(engine.voices), dict(engine.voice_errors)
    warm_up = compile_problem = ""
    if node.remote is not None:
        info.update(server_report(node.remote))
        compile_problem = server_problem(node.remote)
    elif engine is not None:
        compiled, buckets = engine.runtime.compile_progress()
        health = engine.runtime.health
        info.update(
            device=str(engine.device),
            dtype=engine.dtype_name,
            compile=engine.runtime.compile_mode or "none",
        )
        info["buckets compiled"] = f"{compiled} of {buckets}"
        info["eager fallbacks"] = str(health.eager_fallbacks)
        if engine.phrases is not None:
            info.update(engine.phrases.stats())
        if node.speaker.warming_up:
            warm_up = "warming up" + (
                f": {compiled} of {buckets} buckets compiled" if buckets else ""
            )
        if health.unsupported:
            compile_problem = f"speaking uncompiled: {health.unsupported}"
        elif health.error:
            compile_problem = f"compiling failed, speaking uncompiled: {health.error}"
        elif health.last_fallback:
            compile_problem = f"compiled path failed, runs uncompiled: {health.last_fallback}"
    fallback = node.speaker.fallback
    report = speech_status(
        node.stats,
        len(node.queue),
        node.settings.max_queue,
        node.settings.rtf_warn,
        info,
        usable,
        unusable,
        warm_up=warm_up,
        compile_problem=compile_problem,
        fallback=fallback.name if fallback is not None else "",
    )
    return report
