# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""tts_node's audio outputs (local player, published topics) and its fallback voice.

The fallback voice says texts while no engine can speak. An output that cannot be had
(no sound card, no audio_common_msgs) is warned about once and named in the diagnostics;
the others go on.
"""

from __future__ import annotations

from typing import Tuple

from ishowtts_ros.nodes.audio_topics import AudioTopics
from ishowtts_ros.serve.protocol import SAMPLE_RATE
from ishowtts_ros.speech.pacing import PacedOutput
from ishowtts_ros.speech.settings import playback_latency


def model_sample_rate(node) -> int:
    """Return the rate speech comes at: the servers' (24 kHz, upstream's) or the model's."""
    if node.settings.servers():
        return SAMPLE_RATE
    from ishowtts_ros.engine.model_spec import load_model_spec  # f5-tts's configs

    return int(load_model_spec(node.engine_config.model).mel["target_sample_rate"])


def make_outputs(node) -> Tuple[object, object, list]:
    """Open ``node``'s outputs: the player, the published output (None: not had), the sinks.

    Sets ``node.sample_rate`` (the model's).
    """
    player = audio_output = None
    try:
        sample_rate = model_sample_rate(node)
    except (OSError, ValueError) as exc:  # the engine will not load either, and says why
        node.get_logger().error(f"no audio outputs: {exc}")
        return None, None, []
    node.sample_rate = sample_rate
    sinks = []
    if node.settings.play_audio:
        from ishowtts_ros.audio.playback import LocalPlayer, PlaybackUnavailable

        try:
            player = LocalPlayer(
                node.settings.audio_device,
                sample_rate,
                node.settings.audio_rate,
                playback_latency(node.settings.audio_latency),
                gain=node.volume,
                stall_s=node.settings.device_stall_s,
                release_s=node.settings.release_device_s,
            )
            sinks.append(player)
        except PlaybackUnavailable as exc:
            _output_problem(node, "playback_error", f"no local playback: {exc}")
    if node.settings.publish_audio:
        try:
            import audio_common_msgs.msg as messages
        except ImportError as exc:
            _output_problem(
                node,
                "publish_error",
                f"cannot publish tts/audio: audio_common_msgs missing ({exc})",
            )
        else:
            topics = AudioTopics(node, messages, sample_rate)
            # Without a local player, published audio keeps real time itself.
            lead = None if player else node.settings.publish_lead_s
            audio_output = PacedOutput(
                topics.publish, lead, node.settings.publish_frame_s, gain=node.volume
            )
            sinks.append(audio_output)
    return player, audio_output, sinks


def make_fallback(node):
    """Make the voice of texts while no engine can speak, or None (texts wait)."""
    from ishowtts_ros.speech.fallback_voice import fallback_voice

    name = node.settings.fallback_voice
    voice = fallback_voice(name, node.sample_rate)
    if voice is None and name != "none":
        node.get_logger().warning(
            f"fallback voice {name} is not installed (sudo apt install {name}): "
            "texts wait while the engine loads"
        )
    return voice


def _output_problem(node, field: str, message: str) -> None:
    node.get_logger().warning(message)  # once: the diagnostics repeat it
    setattr(node.stats, field, message)
