# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""``tts_node``: speaks text from ROS 2 topics, streams the audio, reports its health.

Thin: parameters map onto :class:`EngineConfig`, :class:`SynthesisSettings` and
:class:`SpeechSettings`; the queue, worker and diagnostics live in
:mod:`ishowtts_ros.speech`, synthesis in the engine (imported, with torch, only when the
engine loads).
"""

from __future__ import annotations

import socket
import sys
import threading
import traceback
from typing import Dict, List, Optional

from diagnostic_msgs.msg import DiagnosticArray
from rcl_interfaces.msg import SetParametersResult
from rclpy.callback_groups import MutuallyExclusiveCallbackGroup
from rclpy.node import Node
from rclpy.parameter import Parameter
from rclpy.qos import HistoryPolicy, QoSProfile, ReliabilityPolicy
from std_msgs.msg import Bool, String
from std_srvs.srv import Trigger

from ishowtts_ros.engine.config import EngineConfig
from ishowtts_ros.engine.model_spec import load_model_spec
from ishowtts_ros.engine.registry import load_voice_registry
from ishowtts_ros.nodes.audio_topics import LATCHED, AudioTopics
from ishowtts_ros.nodes.node_runner import run_node
from ishowtts_ros.nodes.ros_diagnostics import diagnostic_array
from ishowtts_ros.nodes.ros_parameters import declare_parameters
from ishowtts_ros.nodes.sound_play_interface import (
    INSTALL_HINT,
    SoundPlayInterface,
    default_sound_dirs,
    import_interfaces,
)
from ishowtts_ros.speech.diagnostics import speech_status
from ishowtts_ros.speech.memory import bound_memory_caches
from ishowtts_ros.speech.pacing import PacedOutput
from ishowtts_ros.speech.queue import TextQueue, Utterance
from ishowtts_ros.speech.reply_stream import ReplyStream
from ishowtts_ros.speech.settings import (
    TTS_NODE_SETTINGS,
    SpeechSettings,
    playback_latency,
    split_parameters,
)
from ishowtts_ros.speech.speaker import Speaker
from ishowtts_ros.speech.stats import SpeechStats
from ishowtts_ros.speech.text_limits import limit_text

# KEEP_ALL: a flood is slowed down at the sender rather than lost unseen in DDS.
TEXT_QOS = QoSProfile(
    depth=100, history=HistoryPolicy.KEEP_ALL, reliability=ReliabilityPolicy.RELIABLE
)
# The longest a stop waits for the engine's load, then for a warm-up step: both stay within
# systemd's default 90 s before SIGKILL.
BUSY_THREAD_WAIT_S = 40.0


class TtsNode(Node):
    def __init__(self, **node_options):
        super().__init__("tts_node", **node_options)
        # Texts are taken one at a time, in order; tts/stop and diagnostics have a group of
        # their own, so they are served while texts flood in.
        self.text_callbacks = MutuallyExclusiveCallbackGroup()
        self.service_callbacks = MutuallyExclusiveCallbackGroup()
        values = {}
        for settings_class, table in TTS_NODE_SETTINGS:
            values.update(declare_parameters(self, settings_class, table))
        engine_values, speech_values = split_parameters(values)
        self.settings = SpeechSettings(**speech_values)
        self.engine_config = EngineConfig.from_dict(engine_values)
        self.synthesis = self.engine_config.synthesis()
        self.stats = SpeechStats()
        self.queue = TextQueue(self.settings.max_queue, self.settings.queue_policy)
        self.hardware_id = socket.gethostname()
        self.speaking_pub = self.create_publisher(Bool, "tts/speaking", LATCHED)
        self.speaking_pub.publish(Bool(data=False))
        self.diagnostics_pub = self.create_publisher(DiagnosticArray, "/diagnostics", 10)
        sinks = self._make_sinks()
        self.speaker = Speaker(
            self.queue,
            self.stats,
            sinks,
            on_speaking=self._publish_speaking,
            volume=lambda: self.settings.volume,
            synthesis_settings=lambda: self.synthesis,
            fallback=self._make_fallback() if sinks else None,
        )
        self._subscribe_text_topics()
        self._serve_sound_play()
        self.create_service(
            Trigger, "tts/stop", self._on_stop, callback_group=self.service_callbacks
        )
        self.create_service(
            Trigger,
            "tts/reload_voices",
            self._on_reload_voices,
            callback_group=self.service_callbacks,
        )
        self.create_timer(1.0, self._publish_diagnostics, callback_group=self.service_callbacks)
        self.add_on_set_parameters_callback(self._on_set_parameters)
        self.engine = None
        self._loading = threading.Thread(target=self._load_engine, name="engine-load", daemon=True)
        self._loading.start()
        self.speaker.start()

    # -- set-up ---------------------------------------------------------------------------

    def _make_sinks(self) -> list:
        self.player = self.audio_output = None
        try:
            sample_rate = int(load_model_spec(self.engine_config.model).mel["target_sample_rate"])
        except (OSError, ValueError) as exc:  # the engine will not load either, and says why
            self.get_logger().error(f"no audio outputs: {exc}")
            return []
        self.sample_rate = sample_rate
        sinks = []
        if self.settings.play_audio:
            from ishowtts_ros.audio.playback import LocalPlayer, PlaybackUnavailable

            try:
                self.player = LocalPlayer(
                    self.settings.audio_device,
                    sample_rate,
                    self.settings.audio_rate,
                    playback_latency(self.settings.audio_latency),
                )
                sinks.append(self.player)
            except PlaybackUnavailable as exc:
                self._output_problem("playback_error", f"no local playback: {exc}")
        if self.settings.publish_audio:
            try:
                import audio_common_msgs.msg as messages
            except ImportError as exc:
                self._output_problem(
                    "publish_error", f"cannot publish tts/audio: audio_common_msgs missing ({exc})"
                )
            else:
                topics = AudioTopics(self, messages, sample_rate)
                # Without a local player, published audio keeps real time itself.
                lead = None if self.player else self.settings.publish_lead_s
                self.audio_output = PacedOutput(topics.publish, lead)
                sinks.append(self.audio_output)
        return sinks

    def _publish_speaking(self, speaking: bool) -> None:
        try:
            self.speaking_pub.publish(Bool(data=speaking))
        except Exception:
            if self.context.ok():
                raise
            # Shut down by a signal before the speaker stopped: nobody can hear it any more.

    def _make_fallback(self):
        """Make the voice of texts while no engine can speak, or None (texts wait)."""
        from ishowtts_ros.speech.fallback_voice import fallback_voice

        name = self.settings.fallback_voice
        voice = fallback_voice(name, self.sample_rate)
        if voice is None and name != "none":
            self.get_logger().warning(
                f"fallback voice {name} is not installed (sudo apt install {name}): "
                "texts wait while the engine loads"
            )
        return voice

    def _output_problem(self, field: str, message: str) -> None:
        self.get_logger().warning(message)  # once: the diagnostics repeat it
        setattr(self.stats, field, message)

    def _subscribe_text_topics(self) -> None:
        self._subscribe("tts/text", None)
        self._subscribe("tts/text_stream", None, self._on_reply_piece)
        self._voice_topics: dict = {}  # voice id -> its tts/text(_stream)/<id> subscriptions
        self._replies: Dict[str, ReplyStream] = {}  # stream topic -> its open reply
        self._replies_lock = threading.Lock()
        self._voices_lock = threading.Lock()
        try:
            specs = load_voice_registry(self.engine_config.voices_file)
        except (OSError, ValueError) as exc:  # the engine cannot load either, and says so
            self.get_logger().error(f"voices file unusable, no tts/text/<voice> topics: {exc}")
            self.get_logger().debug(traceback.format_exc())
            specs = []
        self._subscribe_voices([spec.id for spec in specs])
        for topic in self.settings.text_topics:
            self._subscribe(topic, None)

    def _subscribe_voices(self, voice_ids: List[str]) -> None:
        """Subscribe tts/text/<id> and tts/text_stream/<id> of new voices; drop gone ones'."""
        for gone in set(self._voice_topics) - set(voice_ids):
            for subscription in self._voice_topics.pop(gone):
                self.destroy_subscription(subscription)
        for voice_id in voice_ids:
            if voice_id not in self._voice_topics:
                self._voice_topics[voice_id] = (
                    self._subscribe(f"tts/text/{voice_id}", voice_id),
                    self._subscribe(f"tts/text_stream/{voice_id}", voice_id, self._on_reply_piece),
                )

    def read_voices(self, voices_file: str) -> list:
        """Read a registry (not used yet); raise ValueError/OSError naming the problem."""
        if self.engine is None:
            raise ValueError("the engine is still loading (or failed): voices cannot change now")
        return load_voice_registry(voices_file)

    def use_voices(self, voices_file: str, specs: list) -> str:
        """Make ``specs`` (read from ``voices_file``) the voices; return a summary."""
        with self._voices_lock:  # the reload service and parameter changes both get here
            self.engine.set_voices(specs)
            self._subscribe_voices([spec.id for spec in specs])
            self.engine_config.voices_file = voices_file
        unusable = "; ".join(f"{k} ({v})" for k, v in self.engine.voice_errors.items())
        summary = f"voices: {', '.join(self.engine.voices) or 'none'}"
        summary += f"; unusable: {unusable}" if unusable else ""
        self.get_logger().info(
            f"voices reloaded from {voices_file or 'the example voice'}: {summary}"
        )
        return summary

    def _voice_gone(self, voice: str) -> bool:
        return bool(voice) and voice not in self.engine.voices

    def _fall_back_to_the_default_voice(self) -> None:
        """Speak tts/text in the default voice: the current one is gone with a reload."""
        self.get_logger().warning(
            f"voice {self.settings.voice!r} is gone from the reloaded voices: tts/text "
            f"speaks in the default voice {self.engine.default_voice!r}"
        )
        self.settings = self.settings.replace(voice="")

        def reset() -> None:  # after this callback: a parameter cannot change inside one
            self.destroy_timer(timer)
            self.set_parameters([Parameter("voice", value="")])

        timer = self.create_timer(0.01, reset, callback_group=self.service_callbacks)

    def _serve_sound_play(self) -> None:
        if not self.settings.sound_play_interface or not getattr(self, "sample_rate", None):
            return
        types = import_interfaces()
        if types is None:
            self.get_logger().info(INSTALL_HINT)
            return
        SoundPlayInterface(
            self,
            types,
            self.settings.sound_dirs or default_sound_dirs(),
            self.sample_rate,
            voices=lambda: list(self.engine.voices) if self.engine else [],
        )

    def _subscribe(self, topic: str, voice: Optional[str], on_message=None):
        on_message = on_message or self._on_text
        return self.create_subscription(
            String,
            topic,
            lambda msg: on_message(msg, voice, topic),
            TEXT_QOS,
            callback_group=self.text_callbacks,
        )

    def _load_engine(self) -> None:
        from ishowtts_ros.engine import Engine

        try:
            engine = Engine.load(self.engine_config)
        except Exception as exc:  # the node stays up and reports the cause
            self.get_logger().error(f"engine failed to load: {exc}")
            self.get_logger().debug(traceback.format_exc())
            self.speaker.engine_failed(str(exc))
            return
        self.engine = engine
        self.speaker.engine_loaded(engine)
        self.get_logger().info(
            f"speaking: voices {', '.join(engine.voices) or 'none'}; warming up while idle"
        )

    # -- callbacks ------------------------------------------------------------------------

    def _on_text(self, msg: String, voice: Optional[str], topic: str) -> None:
        text = msg.data
        if not text.strip():
            self.get_logger().debug(f"ignored an empty text on {topic}")
            self.stats.count("ignored")
            return
        text = self.within_max_chars(text, topic)
        self.enqueue(Utterance(text, voice or self.settings.voice or None))

    def _on_reply_piece(self, msg: String, voice: Optional[str], topic: str) -> None:
        """Add a piece to the reply open on ``topic``, or open one; an empty piece ends it."""
        with self._replies_lock:
            reply = self._replies.get(topic)
            if not msg.data:
                if reply is None:
                    self.stats.count("ignored")
                else:
                    reply.end()
                    del self._replies[topic]
                return
            if reply is not None and reply.add(msg.data):
                return
            reply = ReplyStream(self.settings.stream_idle_s, self.settings.max_chars)
            reply.add(msg.data)
            self._replies[topic] = reply
        item = Utterance(msg.data, voice or self.settings.voice or None, stream=reply)
        item.on_done = lambda done: done.outcome == "spoken" or reply.abandon()
        self.enqueue(item)

    def within_max_chars(self, text: str, where: str) -> str:
        """``text`` cut at a sentence end to ``max_chars``, with a warning when it is."""
        text, cut = limit_text(text, self.settings.max_chars)
        if cut:
            self.get_logger().warning(
                f"text on {where} over max_chars={self.settings.max_chars}: cut to {len(text)}"
            )
        return text

    def enqueue(self, item: Utterance) -> bool:
        """Queue ``item`` under the queue policy; False when the policy refused it."""
        accepted = True
        for dropped, reason in self.queue.put(item):
            self.speaker.drop_all([dropped], reason)
            accepted = accepted and dropped is not item
        if accepted and self.settings.queue_policy == "interrupt":
            self.speaker.interrupt_for(item)  # after put: the new text is never the one cut
        return accepted

    def stop_all(self) -> int:
        """Stop speaking and clear the queue; return how many queued texts were cleared."""
        cleared = self.queue.clear()
        self.speaker.stop_all()
        self.speaker.drop_all(cleared, "cleared by a stop")
        return len(cleared)

    def _on_stop(self, request, response):
        response.success = True
        response.message = f"stopped; cleared {self.stop_all()} queued texts"
        return response

    def _on_reload_voices(self, request, response):
        voices_file = self.engine_config.voices_file
        try:
            response.message = self.use_voices(voices_file, self.read_voices(voices_file))
            response.success = True
        except (OSError, ValueError) as exc:
            response.success, response.message = False, f"voices unchanged: {exc}"
            return response
        if self._voice_gone(self.settings.voice):
            self._fall_back_to_the_default_voice()
        return response

    def _on_set_parameters(self, parameters: List[Parameter]) -> SetParametersResult:
        engine_changes, speech_changes = split_parameters({p.name: p.value for p in parameters})
        voices_file = engine_changes.pop("voices_file", None)
        try:  # everything is checked before anything changes: a refusal changes nothing
            synthesis = self.synthesis.replace(**engine_changes)  # validates
            settings = self.settings.replace(**speech_changes)
            specs = self.read_voices(voices_file) if voices_file is not None else None
        except (TypeError, ValueError, OSError) as exc:
            return SetParametersResult(successful=False, reason=str(exc))
        except Exception as exc:  # a parameter callback must not take the node down
            self.get_logger().error(f"parameter change failed: {exc}\n{traceback.format_exc()}")
            return SetParametersResult(successful=False, reason=f"{type(exc).__name__}: {exc}")
        voice = speech_changes.get("voice")
        if voice and self.engine is not None:
            known = [spec.id for spec in specs] if specs is not None else list(self.engine.voices)
            if voice not in known:
                return SetParametersResult(
                    successful=False, reason=f"unknown voice {voice!r} (known: {', '.join(known)})"
                )
        if specs is not None:
            self.use_voices(voices_file, specs)
        self.synthesis, self.settings = synthesis, settings
        if specs is not None and self._voice_gone(settings.voice):
            self._fall_back_to_the_default_voice()
        for dropped, reason in self.queue.configure(settings.max_queue, settings.queue_policy):
            self.speaker.drop_all([dropped], reason)
        return SetParametersResult(successful=True)

    def _publish_diagnostics(self) -> None:
        # Output errors last until the output works again.
        if self.player is not None:
            self.stats.playback_error = self.player.error
        if self.audio_output is not None:
            self.stats.publish_error = self.audio_output.error
        engine = self.engine
        info = {"nfe_step": str(self.synthesis.nfe_step)}
        usable, unusable = [], {}
        warm_up = compile_problem = ""
        if engine is not None:
            compiled, buckets = engine.runtime.compile_progress()
            health = engine.runtime.health
            info.update(
                device=str(engine.device),
                dtype=engine.dtype_name,
                compile=engine.runtime.compile_mode or "none",
            )
            info["buckets compiled"] = f"{compiled} of {buckets}"
            info["eager fallbacks"] = str(health.eager_fallbacks)
            usable, unusable = list(engine.voices), dict(engine.voice_errors)
            if engine.phrases is not None:
                info.update(engine.phrases.stats())
            if self.speaker.warming_up:
                warm_up = "warming up" + (
                    f": {compiled} of {buckets} buckets compiled" if buckets else ""
                )
            if health.error:
                compile_problem = f"compiling failed, speaking uncompiled: {health.error}"
            elif health.last_fallback:
                compile_problem = f"compiled path failed, runs uncompiled: {health.last_fallback}"
        fallback = self.speaker.fallback
        report = speech_status(
            self.stats,
            len(self.queue),
            self.settings.max_queue,
            self.settings.rtf_warn,
            info,
            usable,
            unusable,
            warm_up=warm_up,
            compile_problem=compile_problem,
            fallback=fallback.name if fallback is not None else "",
        )
        stamp = self.get_clock().now().to_msg()
        self.diagnostics_pub.publish(diagnostic_array([report], self.hardware_id, stamp))

    def close(self) -> None:
        """Stop speaking; wait for a load or warm-up step under way (neither can be cut).

        A thread left running into the interpreter's exit dies there with a traceback
        (torch half imported); a second signal ends the wait.
        """
        self.speaker.close(timeout=BUSY_THREAD_WAIT_S)
        self._loading.join(BUSY_THREAD_WAIT_S)
        for sink in self.speaker.sinks:
            sink.close()


def main(args=None) -> int:
    bound_memory_caches()
    # Threads: texts, services and diagnostics, sound_play goals (one playing, one ending).
    return run_node(TtsNode, args, threads=4)


if __name__ == "__main__":
    sys.exit(main())
