# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""tts_node in a test: started on the small random model, and what it said."""

import time

from rclpy.parameter import Parameter

from ros_harness import wait_for

# audio_common_msgs: the test-only copy scripts/setup.sh builds (test/interfaces).
from std_msgs.msg import String

from ishowtts_ros.nodes.tts_node import TtsNode
from ishowtts_ros.speech.diagnostics import STATUS_NAME
from ishowtts_ros.speech.progress import words_of


PARAGRAPH = (
    "The package has arrived at the front desk. Please collect it before five o'clock "
    "today. If you need help carrying it, ask the robot at the entrance."
)
LONG = " ".join(["This sentence keeps the robot talking for a while."] * 6)


def start_node(ros, test_model, **params):
    """Start a tts_node on the test model; return it loaded and warmed up."""
    node = make_node(ros, test_model, **params)
    assert wait_for(lambda: node.stats.engine_state != "loading", 60.0)
    assert wait_for(lambda: not node.speaker.warming_up, 120.0)
    return node


def make_node(ros, test_model, **params):
    """Construct a tts_node on the test model (no sound card); it loads meanwhile."""
    overrides = {
        "play_audio": False,
        "ckpt_file": test_model["safetensors"],
        "model": test_model["model"],
        "vocab_file": test_model["vocab"],
        "vocoder_dir": test_model["vocoder"],
        "voices_file": test_model["voices"],
        "device": "cpu",
        "dtype": "fp32",
        "allow_download": False,
        **params,
    }
    return ros.add(
        TtsNode(
            context=ros.context,
            parameter_overrides=[Parameter(k, value=v) for k, v in overrides.items()],
        )
    )


def statuses(collector):
    return [s for msg in list(collector.messages) for s in msg.status if s.name == STATUS_NAME]


def values(status):
    return {kv.key: kv.value for kv in status.values}


def seconds_of(messages) -> float:
    return sum(len(m.audio.data) for m in messages) / 2 / 24000


def said(node, text):
    """``text`` as the voice says it (numbers as words), word by word."""
    return " ".join(w for plan in node.engine.plan(text) for w in words_of(plan.text))


def write_voices(tmp_path, test_model, **clips):
    """Write a registry with a voice per keyword: a clip path, or None for a silent clip."""
    import numpy as np
    import soundfile

    lines = ["voices:"]
    for voice_id, clip in clips.items():
        if clip is None:
            clip = str(tmp_path / f"{voice_id}.wav")
            soundfile.write(clip, np.zeros(48000, np.float32), 24000)
        lines.append(f"  - {{id: {voice_id}, ref_audio: {clip}, ref_text: Some words here.}}")
    path = tmp_path / "voices.yaml"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def write_voices_yaml(test_model, *voice_ids):
    entries = "".join(
        f"  - {{id: {voice_id}, ref_audio: {test_model['voice']}, ref_text: A test voice.}}\n"
        for voice_id in voice_ids
    )
    return "voices:\n" + entries


def gaps_between(messages) -> list:
    """Seconds between the end of each frame and the start of the next one."""
    stamps = [m.header.stamp.sec + m.header.stamp.nanosec * 1e-9 for m in messages]
    ends = [
        start + len(m.audio.data) / 2 / 24000 for start, m in zip(stamps, messages, strict=True)
    ]
    return [start - end for start, end in zip(stamps[1:], ends[:-1], strict=True)]


REPLY = (
    "Hello there, I am your robot. The package is at the front desk, three meters ahead. "
    "Please take it before five o'clock today."
)


def stream_reply(publisher, reply, pieces_of=4, period_s=0.05):
    """Publish ``reply`` as a language model writes it: a few characters 20 times a second."""
    for start in range(0, len(reply), pieces_of):
        publisher.publish(String(data=reply[start : start + pieces_of]))
        time.sleep(period_s)
