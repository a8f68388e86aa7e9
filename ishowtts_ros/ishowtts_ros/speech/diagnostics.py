# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The speech diagnostic: level, message and key/values, computed without ROS.

It says what a robot engineer needs to believe it: ERROR when nothing can be spoken (the
engine failed, no voice is usable, the last texts all failed), WARN when something is
wrong but speech goes on, OK only when neither is true.
"""

from __future__ import annotations

import time
from typing import Dict, List, Mapping, Optional

from ishowtts_ros.speech.stats import SpeechStats
from ishowtts_ros.status import ERROR, OK, WARN, StatusReport

STATUS_NAME = "tts_node: speech"
QUEUE_WARN_FRACTION = 0.8
FAILED_IN_A_ROW_ERROR = 3
RECENT_FAILURE_S = 60.0


def _fmt(value: Optional[float], digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def speech_status(
    stats: SpeechStats,
    queue_depth: int,
    max_queue: int,
    rtf_warn: float,
    engine_info: Dict[str, str],
    usable_voices: List[str],
    unusable_voices: Mapping[str, str],
    now: Optional[float] = None,
    warm_up: str = "",
    compile_problem: str = "",
    fallback: str = "",
) -> StatusReport:
    """Summarise the speaking service for rqt.

    ``usable_voices`` and ``unusable_voices`` (id -> reason) describe the loaded registry;
    both are empty while the engine loads. ``warm_up`` says how far warm-up is ("" when
    done), ``compile_problem`` why texts run eager that should run compiled, ``fallback``
    the voice that speaks while no engine can ("" = none).
    """
    now = time.monotonic() if now is None else now
    with stats.lock:
        mean_rtf = stats.mean_rtf
        recent_failures = stats.failed_within(RECENT_FAILURE_S, now)
        values = [
            ("engine", stats.engine_state),
            *engine_info.items(),
            ("voices usable", ", ".join(usable_voices) or "none"),
            ("voices unusable", ", ".join(unusable_voices) or "none"),
            ("last RTF", _fmt(stats.last_rtf)),
            ("mean RTF", _fmt(mean_rtf)),
            ("last first-audio latency s", _fmt(stats.last_first_audio_s)),
            ("p95 first-audio latency s", _fmt(stats.p95_first_audio_s)),
            (
                "last first-audio latency from arrival s",
                _fmt(stats.last_first_audio_from_arrival_s),
            ),
            ("p95 first-audio latency from arrival s", _fmt(stats.p95_first_audio_from_arrival_s)),
            ("said again from the phrase cache", str(stats.cache_hits)),
            ("queue depth", f"{queue_depth}/{max_queue}"),
            ("spoken", str(stats.spoken)),
            ("dropped", str(stats.dropped)),
            ("failed", str(stats.failed)),
            ("failed in the last 60 s", str(recent_failures)),
            ("ignored", str(stats.ignored)),
            ("fallback voice", fallback or "none"),
            ("spoken by the fallback voice", str(stats.fallback_spoken)),
            ("last error", stats.last_error or "none"),
            ("uptime s", f"{now - stats.started:.0f}"),
        ]
        state, engine_error = stats.engine_state, stats.engine_error
        in_a_row, last_failure = stats.consecutive_failures, stats.last_failure
        output_errors = [e for e in (stats.playback_error, stats.publish_error) if e]
    meanwhile = f"; {fallback} speaks meanwhile" if fallback else ""
    if state == "failed":
        message = f"engine failed to load: {engine_error}{meanwhile}"
        return StatusReport(ERROR, message, values, STATUS_NAME)
    if state == "ready" and not usable_voices:
        return StatusReport(
            ERROR, f"no usable voice: {_voice_list(unusable_voices)}", values, STATUS_NAME
        )
    if stats.playback_stalled:  # the robot is mute until the device takes audio again
        return StatusReport(ERROR, stats.playback_error, values, STATUS_NAME)
    if in_a_row >= FAILED_IN_A_ROW_ERROR:
        return StatusReport(
            ERROR, f"the last {in_a_row} texts failed: {last_failure}", values, STATUS_NAME
        )
    warnings = [compile_problem] if compile_problem else []
    if unusable_voices:
        warnings.append(f"unusable voices: {_voice_list(unusable_voices)}")
    if recent_failures:
        warnings.append(
            f"{recent_failures} texts failed in the last {RECENT_FAILURE_S:.0f} s: {last_failure}"
        )
    if mean_rtf is not None and mean_rtf > rtf_warn:
        warnings.append(f"slow: mean RTF {mean_rtf:.2f} > {rtf_warn:.2f}")
    if queue_depth > QUEUE_WARN_FRACTION * max_queue:
        warnings.append(f"queue nearly full: {queue_depth}/{max_queue}")
    warnings.extend(output_errors)
    if warnings:
        return StatusReport(WARN, "; ".join(warnings), values, STATUS_NAME)
    if state == "loading":
        return StatusReport(OK, f"loading{meanwhile}", values, STATUS_NAME)
    return StatusReport(OK, warm_up or "ready", values, STATUS_NAME)


def _voice_list(unusable: Mapping[str, str]) -> str:
    return "; ".join(f"{voice_id} ({reason})" for voice_id, reason in unusable.items()) or "none"
