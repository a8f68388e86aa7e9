# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The speaking service's own settings, and the table of every ``tts_node`` parameter.

Defaults live in the dataclasses (engine: :class:`EngineConfig`, service:
:class:`SpeechSettings`); descriptions and ranges in their tables. The node only maps ROS
parameters onto them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Dict, List, Tuple, Union

from ishowtts_ros.engine.config import ENGINE_PARAMS, EngineConfig
from ishowtts_ros.parameters import Param, check_all
from ishowtts_ros.serve.server_pool import server_address
from ishowtts_ros.speech.fallback_voice import FALLBACK_VOICES
from ishowtts_ros.speech.queue import POLICIES


@dataclass
class SpeechSettings:
    """Settings of the speaking service around the engine; meanings in :data:`SPEECH_PARAMS`."""

    voice: str = ""
    volume: float = 1.0
    queue_policy: str = "queue"
    max_queue: int = 32
    play_audio: bool = True
    audio_device: str = ""
    audio_rate: int = 0
    audio_latency: str = "high"
    publish_audio: bool = True
    publish_lead_s: float = 0.2
    text_topics: List[str] = field(default_factory=list)
    max_chars: int = 2000
    rtf_warn: float = 0.5
    sound_play_interface: bool = True
    sound_dirs: List[str] = field(default_factory=list)
    fallback_voice: str = "espeak-ng"
    stream_idle_s: float = 2.0
    lookahead_s: float = 6.0
    publish_frame_s: float = 0.2
    device_stall_s: float = 2.0
    release_device_s: float = 5.0
    compile_in_child: bool = True
    interrupt_topic: str = ""
    interrupt_min_s: float = 0.5
    interrupt_drops_queue: bool = True
    synthesis_server: str = ""
    synthesis_servers: List[str] = field(default_factory=list)
    server_timeout_s: float = 5.0
    local_engine: bool = False
    send_voice_clips: bool = False

    def __post_init__(self) -> None:
        check_all(self, SPEECH_PARAMS)
        for url in self.servers():
            server_address(url)  # raises naming the value
        playback_latency(self.audio_latency)  # raises naming the value
        for topic in self.text_topics:
            if not isinstance(topic, str) or not topic or " " in topic:
                raise ValueError(f"text_topics entries must be topic names, got {topic!r}")
        for folder in self.sound_dirs:
            if not isinstance(folder, str) or not folder.startswith("/"):
                raise ValueError(f"sound_dirs entries must be absolute folders, got {folder!r}")

    def servers(self) -> List[str]:
        """Return the synthesis servers, in the order tried; none: the local engine speaks."""
        return [url for url in (self.synthesis_server, *self.synthesis_servers) if url]

    def replace(self, **changes: Any) -> "SpeechSettings":
        return dataclasses.replace(self, **changes)


SPEECH_PARAMS = {
    "voice": Param("voice of tts/text; empty = the registry's first", True),
    "volume": Param("output gain", True, 0.0, 2.0),
    "queue_policy": Param("what a new text does to the queue", True, choices=POLICIES),
    "max_queue": Param("texts waiting at most", True, 1, 1000),
    "play_audio": Param("play on a local sound device"),
    "audio_device": Param("output device: name part or index; empty = default"),
    "audio_rate": Param(
        "rate the sound device is opened at; 0 = the model's when the device takes it, "
        "else the device's own",
        False,
        0,
        384000,
    ),
    "audio_latency": Param("sound device latency: low, high, or seconds (more is steadier)"),
    "publish_audio": Param("publish tts/audio (audio_common_msgs)"),
    "publish_lead_s": Param(
        "without local playback, tts/audio chunks go out this long before they start",
        False,
        0.0,
        10.0,
    ),
    "text_topics": Param("extra topics to speak from (std_msgs/String)"),
    "max_chars": Param("longer texts are cut at a sentence end", True, 1, 100_000),
    "rtf_warn": Param("diagnostics WARN above this mean real-time factor", True, 0.001, 100.0),
    "sound_play_interface": Param("serve sound_play's robotsound topic and sound_play action"),
    "sound_dirs": Param(
        "folders sound files may be played from; empty = sound_play's sounds folder"
    ),
    "fallback_voice": Param(
        "voice of texts while the F5 engine loads or when it failed to load; none = silence",
        choices=FALLBACK_VOICES,
    ),
    "stream_idle_s": Param(
        "a reply on tts/text_stream with no new piece for this long is ended", True, 0.1, 60.0
    ),
    "lookahead_s": Param(
        "audio synthesised ahead of what is heard, at most (and one text beyond the one heard)",
        True,
        0.5,
        60.0,
    ),
    "publish_frame_s": Param(
        "tts/audio goes out in frames this long at most: a stop is heard within one",
        False,
        0.02,
        5.0,
    ),
    "device_stall_s": Param(
        "a sound device that takes no audio for this long is reported, its audio dropped",
        False,
        0.1,
        60.0,
    ),
    "release_device_s": Param(
        "the sound device is released after this long without audio (other players may use "
        "it), opened again for the next; 0 = held open",
        False,
        0.0,
        3600.0,
    ),
    "compile_in_child": Param(
        "before compiling, a child process fills the compile cache while the robot speaks "
        "uncompiled; false: the node compiles, a bucket per step (a text waits for one)"
    ),
    "interrupt_topic": Param(
        "std_msgs/Bool topic saying the user speaks (a VAD): speech stops; empty = none"
    ),
    "interrupt_min_s": Param(
        "user speech shorter than this does not interrupt (a cough, an uh-huh)", True, 0.0, 10.0
    ),
    "interrupt_drops_queue": Param("an interrupt also drops the texts waiting", True),
    "synthesis_server": Param(
        "speak through this ishowtts-serve, grpc://host:8001 (no torch loads here); "
        "empty = the local engine"
    ),
    "synthesis_servers": Param("more servers, tried after synthesis_server in this order"),
    "server_timeout_s": Param(
        "a server taking longer than this for one chunk counts as down", False, 0.1, 600.0
    ),
    "local_engine": Param(
        "with synthesis servers: load the local engine too, to speak when none answers "
        "(else the fallback voice does)"
    ),
    "send_voice_clips": Param(
        "send this robot's voice clips (voices_file) with each request instead of using the "
        "server's voices; always so with a server that lists none (upstream's Triton)"
    ),
}


def playback_latency(value: str) -> Union[str, float]:
    """``audio_latency`` as PortAudio takes it: "low", "high" or seconds."""
    if value in ("low", "high"):
        return value
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0.0 < seconds <= 2.0:
        raise ValueError(f"audio_latency must be low, high or seconds in (0, 2], got {value!r}")
    return seconds


TTS_NODE_SETTINGS: Tuple[Tuple[type, Dict[str, Param]], ...] = (
    (EngineConfig, ENGINE_PARAMS),
    (SpeechSettings, SPEECH_PARAMS),
)
"""tts_node's parameters: engine settings first, then the service's own."""


def split_parameters(values: dict) -> Tuple[dict, dict]:
    """Split a flat parameter mapping into engine and service settings."""
    engine = {k: v for k, v in values.items() if k in ENGINE_PARAMS}
    return engine, {k: v for k, v in values.items() if k not in ENGINE_PARAMS}
