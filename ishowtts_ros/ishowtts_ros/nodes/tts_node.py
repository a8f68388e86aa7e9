# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""``tts_node``: speaks text from ROS 2 topics, streams the audio, reports its health.

Thin: parameters map onto :class:`EngineConfig`, :class:`SynthesisSettings` and
:class:`SpeechSettings`; the queue, worker and diagnostics live in
:mod:`ishowtts_ros.speech`, synthesis in the engine (imported, with torch, only when the
engine loads); text topics, barge-in, outputs and the diagnostic's content in rooms of
their own beside this file.
"""

from __future__ import annotations

import ishowtts_ros.entry  # noqa: F401  (first: our process's settings, before torch)

import socket
import sys
import threading
import traceback
from typing import List

from diagnostic_msgs.msg import DiagnosticArray
from rcl_interfaces.msg import SetParametersResult
from rclpy.callback_groups import MutuallyExclusiveCallbackGroup
from rclpy.node import Node
from rclpy.parameter import Parameter
from std_msgs.msg import Bool
from std_srvs.srv import Trigger

from ishowtts_ros.engine.config import EngineConfig
from ishowtts_ros.engine.registry import load_voice_registry
from ishowtts_ros.nodes.audio_topics import LATCHED
from ishowtts_ros.nodes.audio_outputs import make_fallback, make_outputs
from ishowtts_ros.nodes.barge_in import BargeIn
from ishowtts_ros.nodes.node_runner import run_node
from ishowtts_ros.nodes.progress_topic import serve_progress_and_heard
from ishowtts_ros.nodes.remote_speech import speak_through_servers
from ishowtts_ros.nodes.ros_diagnostics import diagnostic_array
from ishowtts_ros.nodes.ros_parameters import declare_parameters
from ishowtts_ros.nodes.speech_report import speech_report
from ishowtts_ros.nodes.text_input import TextInput
from ishowtts_ros.nodes.voice_changes import (
    fall_back_to_the_default_voice,
    registry_voice_ids,
    use_voices,
)
from ishowtts_ros.nodes.sound_play_interface import serve_sound_play
from ishowtts_ros.speech.idle_work import warm_cache_child
from ishowtts_ros.speech.memory import bound_memory_caches
from ishowtts_ros.speech.queue import TextQueue, Utterance
from ishowtts_ros.speech.settings import (
    TTS_NODE_SETTINGS,
    SpeechSettings,
    split_parameters,
)
from ishowtts_ros.speech.speaker import Speaker
from ishowtts_ros.speech.stats import SpeechStats
from ishowtts_ros.speech.text_limits import limit_text
from ishowtts_ros.stop_bounds import BUSY_STEP_WAIT_S


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
        self.player, self.audio_output, sinks = make_outputs(self)
        self.speaker = Speaker(
            self.queue,
            self.stats,
            sinks,
            on_speaking=self._publish_speaking,
            synthesis_settings=lambda: self.synthesis,
            fallback=make_fallback(self) if sinks else None,
            lookahead_s=lambda: self.settings.lookahead_s,
        )
        self.progress = serve_progress_and_heard(self, self.speaker, self.service_callbacks)
        self._subscribe_text_topics()
        self.barge_in = BargeIn(self, self.interrupt, self.service_callbacks)
        serve_sound_play(self)
        self.create_service(
            Trigger, "tts/stop", self._on_stop, callback_group=self.service_callbacks
        )
        self.create_service(
            Trigger,
            "tts/reload_voices",
            self._on_reload_voices,
            callback_group=MutuallyExclusiveCallbackGroup(),  # seconds: stops go on meanwhile
        )
        self.create_timer(1.0, self._publish_diagnostics, callback_group=self.service_callbacks)
        self.add_on_set_parameters_callback(self._on_set_parameters)
        self.engine = self.remote = speak_through_servers(self)  # None: the local engine speaks
        self._loading = threading.Thread(target=self._load_engine, name="engine-load", daemon=True)
        if self.remote is None or self.settings.local_engine:
            self._loading.start()
        self.speaker.start()

    # -- set-up ---------------------------------------------------------------------------

    def volume(self) -> float:
        """Return the output gain now (the outputs read it as audio plays)."""
        return self.settings.volume

    def _publish_speaking(self, speaking: bool) -> None:
        if not speaking:
            self.progress.stopped()
        try:
            self.speaking_pub.publish(Bool(data=speaking))
        except Exception:
            if self.context.ok():
                raise
            # Shut down by a signal before the speaker stopped: nobody can hear it any more.

    def _subscribe_text_topics(self) -> None:
        self.text_input = TextInput(self, self.text_callbacks)
        self.voices_lock = threading.Lock()
        self.text_input.subscribe_voices(registry_voice_ids(self))

    def read_voices(self, voices_file: str) -> list:
        """Read a registry (not used yet); raise ValueError/OSError naming the problem."""
        if self.remote is not None:
            raise ValueError("the voices are the synthesis server's: change them there")
        if self.engine is None:
            raise ValueError("the engine is still loading (or failed): voices cannot change now")
        return load_voice_registry(voices_file)

    def _voice_gone(self, voice: str) -> bool:
        return bool(voice) and voice not in self.engine.voices

    def _load_engine(self) -> None:
        from ishowtts_ros.engine import Engine

        try:
            engine = Engine.load(self.engine_config)
        except Exception as exc:  # the node stays up and reports the cause
            self.get_logger().error(f"engine failed to load: {exc}")
            self.get_logger().debug(traceback.format_exc())
            if self.remote is None:
                self.speaker.engine_failed(str(exc))
            return
        child = warm_cache_child(self.engine_config) if self.settings.compile_in_child else None
        if self.remote is not None:  # the fallback of the servers
            return self.remote.use_local(engine, self.speaker, child)
        self.engine = engine
        if self._voice_gone(self.settings.voice):  # accepted unchecked while it loaded
            fall_back_to_the_default_voice(self, f"is not one of {', '.join(engine.voices)}")
        self.speaker.engine_loaded(engine, fill_cache=child)
        self.get_logger().info(
            f"speaking: voices {', '.join(engine.voices) or 'none'}; warming up while idle"
        )

    # -- callbacks ------------------------------------------------------------------------

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
        """Stop speaking, close the open replies, clear the queue; return how many it cleared."""
        self.text_input.close_replies()
        return self.speaker.stop_all()

    def interrupt(self, reason: str) -> str:
        """Cut the speech and the open replies, and the queue per interrupt_drops_queue."""
        heard = self.progress.heard()  # before the cut: it ends what is heard
        self.text_input.close_replies()
        drops = self.settings.interrupt_drops_queue
        cleared = self.speaker.stop_all(reason, reason if drops else None)
        self.get_logger().info(f"{reason}; {heard}; cleared {cleared} queued texts")
        return f"interrupted; {heard}; cleared {cleared} queued texts"

    def _on_stop(self, request, response):
        response.success = True
        response.message = f"stopped; cleared {self.stop_all()} queued texts"
        return response

    def _on_reload_voices(self, request, response):
        voices_file = self.engine_config.voices_file
        try:
            response.message = use_voices(self, voices_file, self.read_voices(voices_file))
            response.success = True
        except (OSError, ValueError, RuntimeError) as exc:  # TimeoutError is an OSError
            response.success, response.message = False, f"voices unchanged: {exc}"
            return response
        if self._voice_gone(self.settings.voice):
            fall_back_to_the_default_voice(self)
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
            try:
                use_voices(self, voices_file, specs)
            except (OSError, RuntimeError) as exc:  # the speaker busy past the bound, or closed
                return SetParametersResult(successful=False, reason=f"voices unchanged: {exc}")
        self.synthesis, self.settings = synthesis, settings
        if specs is not None and self._voice_gone(settings.voice):
            fall_back_to_the_default_voice(self)
        for dropped, reason in self.queue.configure(settings.max_queue, settings.queue_policy):
            self.speaker.drop_all([dropped], reason)
        return SetParametersResult(successful=True)

    def _publish_diagnostics(self) -> None:
        report = speech_report(self)
        stamp = self.get_clock().now().to_msg()
        self.diagnostics_pub.publish(diagnostic_array([report], self.hardware_id, stamp))

    def close(self) -> None:
        """Stop speaking; wait for a load or warm-up step under way (neither can be cut).

        Bounded (:mod:`ishowtts_ros.stop_bounds`); a second signal ends the wait.
        """
        self.speaker.close(timeout=BUSY_STEP_WAIT_S)
        if self.remote is not None:
            self.remote.pool.close()
        if self._loading.ident is not None:
            self._loading.join(BUSY_STEP_WAIT_S)
        for sink in self.speaker.sinks:
            sink.close()


def main(args=None) -> int:
    bound_memory_caches()
    # Threads: texts, services and diagnostics, sound_play goals (one playing, one ending).
    return run_node(TtsNode, args, threads=4)


if __name__ == "__main__":
    sys.exit(main())
