# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""tts_node's voices: read at start, reloaded (``tts/reload_voices``, ``voices_file``)."""

from __future__ import annotations

import traceback
from typing import List

from rclpy.parameter import Parameter

from ishowtts_ros.engine.registry import load_voice_registry
from ishowtts_ros.stop_bounds import BUSY_STEP_WAIT_S


def registry_voice_ids(node) -> List[str]:
    """Voice ids of the node's voices file (none through servers: theirs come later)."""
    if node.settings.servers():
        return []
    try:
        return [spec.id for spec in load_voice_registry(node.engine_config.voices_file)]
    except (OSError, ValueError) as exc:  # the engine cannot load either, and says so
        node.get_logger().error(f"voices file unusable, no tts/text/<voice> topics: {exc}")
        node.get_logger().debug(traceback.format_exc())
        return []


def use_voices(node, voices_file: str, specs: list) -> str:
    """Make ``specs`` (read from ``voices_file``) the voices; return a summary."""
    with node.voices_lock:  # the reload service and parameter changes both get here
        # Clips are encoded by the model: on the speaker's thread, between utterances.
        node.speaker.on_speaker_thread(
            lambda: node.engine.set_voices(specs), timeout=BUSY_STEP_WAIT_S
        )
        node.text_input.subscribe_voices([spec.id for spec in specs])
        node.engine_config.voices_file = voices_file
    unusable = "; ".join(f"{k} ({v})" for k, v in node.engine.voice_errors.items())
    summary = f"voices: {', '.join(node.engine.voices) or 'none'}"
    summary += f"; unusable: {unusable}" if unusable else ""
    node.get_logger().info(f"voices reloaded from {voices_file or 'the example voice'}: {summary}")
    return summary


def fall_back_to_the_default_voice(node, why: str = "is gone from the reloaded voices") -> None:
    """Speak tts/text in the default voice: the current one is not among the voices."""
    node.get_logger().error(
        f"voice {node.settings.voice!r} {why}: tts/text speaks in the default voice "
        f"{node.engine.default_voice!r}"
    )
    node.settings = node.settings.replace(voice="")

    def reset() -> None:  # after this callback: a parameter cannot change inside one
        node.destroy_timer(timer)
        node.set_parameters([Parameter("voice", value="")])

    timer = node.create_timer(0.01, reset, callback_group=node.service_callbacks)
