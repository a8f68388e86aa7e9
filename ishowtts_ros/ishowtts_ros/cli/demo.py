# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""``ishowtts-demo``: start both nodes, say a sentence through ROS, record what was spoken.

With the real F5-TTS weights (config/engine.yaml, or the hub when allowed) it speaks in the
default voice. Without them it says so in one line and runs the same stack on a small
random-weight test model. The audio published on tts/audio is written to a WAV file, so
the run is checkable without a sound card.
"""

from __future__ import annotations

import ishowtts_ros.entry  # noqa: F401  (first: our process's settings, before torch)

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time

import yaml

from ishowtts_ros.engine.config import EngineConfig
from ishowtts_ros.engine.errors import MissingFileError

DEFAULT_TEXT = "Hello! I am your robot. This is how I sound."
STOP_TIMEOUT_S = 5.0


def engine_config(path: str, model_dir: str) -> EngineConfig:
    """Return the config with real weights, or the small test model's when they are missing."""
    from ishowtts_ros.engine import loading
    from ishowtts_ros.engine.model_spec import load_model_spec

    config = EngineConfig.from_yaml(path)
    try:
        spec = load_model_spec(config.model)
        loading.resolve_checkpoint(spec.name, config.ckpt_file, config.allow_download)
        loading.resolve_vocoder_dir(config.vocoder_dir, config.allow_download)
        return config
    except MissingFileError as exc:
        print(
            f"demo: real F5-TTS weights not found ({exc}); running the same stack on a small "
            "random-weight test model, which speaks noise, not words",
            flush=True,
        )
    from ishowtts_ros.engine.random_model import write_random_model

    if not os.path.isfile(os.path.join(model_dir, "config.yaml")):
        write_random_model(model_dir)
    return EngineConfig.from_yaml(os.path.join(model_dir, "config.yaml"))


def start_node(executable: str, *ros_args: str) -> subprocess.Popen:
    path = os.path.join(os.path.dirname(sys.executable), executable)
    return subprocess.Popen([path, "--ros-args", *ros_args])


def stop_node(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def engine_state(msg, states: list) -> None:
    """Keep the engine state the speech diagnostic reports."""
    from ishowtts_ros.nodes.ros_diagnostics import find_report
    from ishowtts_ros.speech.diagnostics import STATUS_NAME

    report = find_report(msg, STATUS_NAME)
    if report is not None:
        states.append(dict(report.values).get("engine", ""))


def say_and_record(text: str, timeout: float, rate: int) -> tuple:
    """Publish ``text`` on tts/text; collect tts/audio until all that tts/heard says was heard.

    Topics are not ordered with each other: the last frames may come after the report.
    """
    import rclpy
    from audio_common_msgs.msg import AudioDataStamped
    from diagnostic_msgs.msg import DiagnosticArray
    from ishowtts_msgs.msg import Heard
    from rclpy.qos import QoSProfile, ReliabilityPolicy
    from std_msgs.msg import String

    rclpy.init()
    node = rclpy.create_node("ishowtts_demo")
    chunks = []
    node.create_subscription(
        AudioDataStamped,
        "tts/audio",
        lambda m: chunks.append((time.monotonic(), m)),
        QoSProfile(depth=200, reliability=ReliabilityPolicy.RELIABLE),
    )
    heard = []
    node.create_subscription(Heard, "tts/heard", heard.append, 10)
    engine = []  # the speech diagnostic's engine state
    node.create_subscription(
        DiagnosticArray, "/diagnostics", lambda m: engine_state(m, engine), 10
    )
    publisher = node.create_publisher(String, "tts/text", 10)
    deadline = time.monotonic() + timeout
    try:
        # Loaded first: while it loads, the fallback voice would say the text instead.
        while publisher.get_subscription_count() == 0 or engine[-1:] != ["ready"]:
            if time.monotonic() > deadline:
                raise TimeoutError("tts_node did not come up")
            if engine[-1:] == ["failed"]:
                raise TimeoutError("the engine failed to load (see tts_node's log)")
            rclpy.spin_once(node, timeout_sec=0.1)
        sent = time.monotonic()
        publisher.publish(String(data=text))
        print(f"demo: published on tts/text: {text!r}", flush=True)

        def received_s() -> float:
            return sum(len(m.audio.data) for _, m in chunks) / 2 / rate  # S16LE

        while not (heard and received_s() >= heard[0].heard_s - 1e-3):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no complete utterance within {timeout:.0f} s")
            if heard and heard[0].outcome != Heard.SPOKEN:
                raise TimeoutError(f"the text was not spoken: {heard[0].reason}")
            rclpy.spin_once(node, timeout_sec=0.1)
    finally:
        node.destroy_node()
        rclpy.try_shutdown()
    pcm = b"".join(bytes(m.audio.data) for _, m in chunks)
    first = chunks[0][0] - sent if chunks else float("nan")
    return pcm, len(chunks), first


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="ishowtts-demo", description=__doc__.split("\n")[0])
    parser.add_argument("text", nargs="?", default=DEFAULT_TEXT)
    parser.add_argument("--out", default="hello.wav", help="WAV file of the published audio")
    parser.add_argument(
        "--config",
        default=os.path.join("ishowtts_ros", "config", "engine.yaml"),
        help="engine config",
    )
    parser.add_argument(
        "--model-dir",
        default=os.path.join("build", "test_model"),
        help="where the test model is written when real weights are missing",
    )
    parser.add_argument(
        "--timeout", type=float, default=900.0, help="seconds to wait for the speech"
    )
    args = parser.parse_args(argv)
    try:
        config = engine_config(args.config, args.model_dir)
    except (ValueError, OSError) as exc:
        print(f"ishowtts-demo: error: {exc}", file=sys.stderr)
        return 2
    from ishowtts_ros.audio.wav import from_pcm16, write_wav
    from ishowtts_ros.engine.model_spec import load_model_spec

    rate = int(load_model_spec(config.model).mel["target_sample_rate"])
    with tempfile.TemporaryDirectory() as folder:
        params = os.path.join(folder, "tts_node.params.yaml")
        with open(params, "w", encoding="utf-8") as stream:
            yaml.safe_dump({"/**/tts_node": {"ros__parameters": config.to_dict()}}, stream)
        nodes = [
            start_node("tts_node", "--params-file", params),
            start_node("jetson_performance_node"),
        ]
        try:
            pcm, count, first = say_and_record(args.text, args.timeout, rate)
        except TimeoutError as exc:
            print(f"ishowtts-demo: error: {exc}", file=sys.stderr)
            return 1
        finally:
            for process in nodes:
                stop_node(process)
    samples = from_pcm16(pcm)
    write_wav(args.out, samples, rate)
    print(
        f"demo: spoke {len(samples) / rate:.2f} s in {count} chunks, "
        f"first audio after {first:.2f} s; wrote {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
