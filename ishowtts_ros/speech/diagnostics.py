# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The speech diagnostic: level, message and key/values, computed without ROS."""

from __future__ import annotations

from typing import Dict, Optional

from ishowtts_ros.speech.stats import SpeechStats
from ishowtts_ros.status import ERROR, OK, WARN, StatusReport

QUEUE_WARN_FRACTION = 0.8


def _fmt(value: Optional[float], digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def speech_status(
    stats: SpeechStats,
    queue_depth: int,
    max_queue: int,
    rtf_warn: float,
    engine_info: Dict[str, str],
) -> StatusReport:
    """Summarise the speaking service for rqt.

    ERROR if the engine failed to load; WARN if slow, nearly full, or an output is
    unusable; else OK ("loading" or "ready").
    """
    with stats.lock:
        mean_rtf = stats.mean_rtf
        values = [
            ("engine", stats.engine_state),
            *engine_info.items(),
            ("last RTF", _fmt(stats.last_rtf)),
            ("mean RTF", _fmt(mean_rtf)),
            ("last first-audio latency s", _fmt(stats.last_first_audio_s)),
            ("queue depth", f"{queue_depth}/{max_queue}"),
            ("spoken", str(stats.spoken)),
            ("dropped", str(stats.dropped)),
            ("failed", str(stats.failed)),
            ("ignored", str(stats.ignored)),
            ("last error", stats.last_error or "none"),
        ]
        state, engine_error = stats.engine_state, stats.engine_error
        output_errors = [e for e in (stats.playback_error, stats.publish_error) if e]
    if state == "failed":
        return StatusReport(ERROR, f"engine failed to load: {engine_error}", values)
    warnings = []
    if mean_rtf is not None and mean_rtf > rtf_warn:
        warnings.append(f"slow: mean RTF {mean_rtf:.2f} > {rtf_warn:.2f}")
    if queue_depth > QUEUE_WARN_FRACTION * max_queue:
        warnings.append(f"queue nearly full: {queue_depth}/{max_queue}")
    warnings.extend(output_errors)
    if warnings:
        return StatusReport(WARN, "; ".join(warnings), values)
    return StatusReport(OK, "loading" if state == "loading" else "ready", values)
