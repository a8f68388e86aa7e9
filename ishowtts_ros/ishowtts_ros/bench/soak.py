# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""``ishowtts-soak``: months of speaking, compressed: one tts_node process, many texts.

Starts ``tts_node`` as robots run it (its own process, a params file), sends texts over
DDS one after the other (the robot mix, hostile ones among them), flips runtime
parameters and calls ``tts/stop`` now and then, and samples the process's memory,
threads and open files after every text. Reports growth after warm-up, first-audio
latency of the same texts said early and late (and late by a young node beside it, to
tell a node that ages from a machine whose speed changes), and whether every text sent
was accounted for (spoken, dropped, failed or ignored). Writes JSON and a PNG plot.

    bash scripts/soak.sh --texts 1000            # small test model, loopback DDS
"""

from __future__ import annotations

import ishowtts_ros.entry  # noqa: F401  (first: our process's settings, before torch)

import argparse
import json
import os
import random
import signal
import subprocess
import sys
from dataclasses import asdict
from typing import List

from ishowtts_ros.bench.soak_client import SoakClient
from ishowtts_ros.bench.soak_report import Run, Sample, latency_windows, plot, summarise
from ishowtts_ros.bench.texts import robot_text
from ishowtts_ros.speech.idle_work import TRIM_AFTER_IDLE_S

IDLE_S = 0.2  # between texts: back to back, as a busy robot speaks
# Every 10th text the robot falls silent long enough for the node to give free memory
# back (as robots do between tasks): RSS growth is measured on those samples.
SETTLE_EVERY = 10
SETTLE_S = TRIM_AFTER_IDLE_S + 1.0
ALSA_CONFIG = "/usr/share/alsa/alsa.conf"  # ALSA's own configuration, read before ours
SOUND_CARDS = {
    "none": "play_audio false: tts/audio only, published at real-time pace (the default)",
    "null": "play_audio as the params file says, on a card that swallows audio at once: "
    "texts follow each other at synthesis speed",
    "system": "play_audio as the params file says, on this machine's own card (aloud)",
}
WARMUP_FRACTION = 0.1
MIN_WARMUP_TEXTS = 20
STOP_EVERY = 37  # a tts/stop right after every 37th text (--stop-every)
FLIP_EVERY = 50  # runtime parameters change every 50 texts
FLIPS = [
    {"nfe_step": 6},
    {"nfe_step": 8, "speed": 1.2},
    {"volume": 0.5, "speed": 0.9},
    {"nfe_step": 7, "speed": 1.0, "volume": 1.0},
]
PERIOD = FLIP_EVERY * len(FLIPS)  # texts after which the same parameters are in effect again
YOUNG = "young"  # namespace of the second node, idle until it says the late texts
HOSTILE = [
    "",
    "   \n\t ",
    "🤖🔥💥",
    "?!...;;",
    "Ctrl\x00\x07\x1b[2J chars.",
    "word " * 2000,  # cut to max_chars
    "今天天气很好，我们一起去公园散步吧！",
    "Mixed Ελληνικά, 中文 and English.",
    "../../etc/passwd",
]


def warmup_texts(count: int) -> int:
    return max(MIN_WARMUP_TEXTS, int(WARMUP_FRACTION * count))


def make_texts(count: int, seed: int) -> List[str]:
    """Return the robot mix (:func:`~.texts.robot_text`) with a hostile text every 11th.

    The late latency window says the texts of the early one again (:func:`latency_windows`).
    """
    rng = random.Random(seed)
    said: List[str] = []
    texts = [
        HOSTILE[(index // 11) % len(HOSTILE)] if index % 11 == 10 else robot_text(rng, said)
        for index in range(count)
    ]
    windows = latency_windows(count, warmup_texts(count), PERIOD)
    for index in range(windows.late_start, count + 1):
        texts[index - 1] = texts[index - 1 - windows.offset]
    return texts


def flips_in_effect(index: int) -> dict:
    """Return the runtime parameters a run has set by text ``index``."""
    state: dict = {}
    for flip_at in range(FLIP_EVERY, index + 1, FLIP_EVERY):
        state.update(FLIPS[(flip_at // FLIP_EVERY) % len(FLIPS)])
    return state


def process_sample(pid: int) -> tuple:
    """RSS (MB), threads and open files of a process, from /proc."""
    rss_kb = threads = 0
    with open(f"/proc/{pid}/status", encoding="ascii") as stream:
        for line in stream:
            if line.startswith("VmRSS:"):
                rss_kb = int(line.split()[1])
            elif line.startswith("Threads:"):
                threads = int(line.split()[1])
    return rss_kb / 1024, threads, len(os.listdir(f"/proc/{pid}/fd"))


def add_node_arguments(parser, out: str, timeout_s: float, timeout_help: str) -> None:
    """Add the arguments of every benchmark that starts tts_node: params, model, output."""
    parser.add_argument("--params-file", help="tts_node params (default: the small test model)")
    parser.add_argument("--model-dir", default=os.path.join("build", "soak_model"))
    parser.add_argument("--out", default=os.path.join("bench-results", out))
    parser.add_argument("--timeout", type=float, default=timeout_s, help=timeout_help)
    parser.add_argument(
        "-p", "--param", action="append", default=[], help="extra tts_node parameter name:=value"
    )


def node_command(args, namespace: str = "") -> List[str]:
    """tts_node with the params file, as robots run it; ``-p`` values on top."""
    command = [
        sys.executable,
        "-m",
        "ishowtts_ros.nodes.tts_node",
        "--ros-args",
        "--params-file",
        params_file(args),
    ]
    if args.sound_card == "none":  # speech published only, at real-time pace
        command += ["-p", "play_audio:=false"]
    for param in args.param:
        command += ["-p", param]
    if namespace:  # a second node beside the first: its own topics, services, diagnostics
        command += ["-r", f"__ns:=/{namespace}", "-r", f"/diagnostics:=/{namespace}/diagnostics"]
    return command


def node_environment(args) -> dict:
    """Return the nodes' environment (``--sound-card null``: ALSA's default swallows audio)."""
    if args.sound_card != "null":
        return dict(os.environ)
    config = os.path.join(os.path.abspath(args.out), "asound.conf")
    with open(config, "w", encoding="ascii") as stream:
        stream.write("pcm.!default { type null }\n")
    return dict(os.environ, ALSA_CONFIG_PATH=f"{ALSA_CONFIG}:{config}")


def stop_process(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(10.0)
    except subprocess.TimeoutExpired:
        process.kill()


def params_file(args) -> str:
    if args.params_file:
        return args.params_file
    from ishowtts_ros.engine.random_model import write_random_model

    path = os.path.join(args.model_dir, "tts_node.params.yaml")
    if not os.path.isfile(path):
        write_random_model(args.model_dir)
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="ishowtts-soak", description=__doc__.split("\n")[0])
    parser.add_argument("--texts", type=int, default=300, help="texts to send (default 300)")
    add_node_arguments(parser, "soak", 300.0, "seconds per text at most")
    parser.add_argument("--seed", type=int, default=0, help="text mix seed")
    parser.add_argument(
        "--stop-every", type=int, default=STOP_EVERY, help="a tts/stop after every Nth text"
    )
    parser.add_argument(
        "--sound-card",
        choices=SOUND_CARDS,
        default="none",
        help="; ".join(f"{name}: {meaning}" for name, meaning in SOUND_CARDS.items()),
    )
    args = parser.parse_args(argv)
    if args.texts < 2:
        parser.error(f"--texts must be at least 2, got {args.texts}")
    os.makedirs(args.out, exist_ok=True)
    texts = make_texts(args.texts, args.seed)
    warmup = warmup_texts(args.texts)
    windows = latency_windows(args.texts, warmup, PERIOD)
    # The young node reaches the late window as old as the old node was at the early one.
    young_from = windows.offset + 1
    old, young = Run(), Run()
    processes: List[subprocess.Popen] = []
    environment = node_environment(args)

    def start(namespace: str = "") -> int:
        name = f"tts_node{'_' + namespace if namespace else ''}.log"
        with open(os.path.join(args.out, name), "w", encoding="utf-8") as log:
            command = node_command(args, namespace)
            processes.append(
                subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=environment)
            )
        return processes[-1].pid

    client = SoakClient(args.timeout)
    try:
        # Both from the start: a node that joins later changes the first one's memory (DDS
        # keeps state for every participant it meets); idle, the second one stays young.
        old_pid, old_speaker = start(), client.speaker()
        young_pid, young_speaker = start(YOUNG), client.speaker(YOUNG)
        client.wait_for(old_speaker)
        client.wait_for(young_speaker)
        for index, text in enumerate(texts, 1):
            if index == young_from:
                state = flips_in_effect(index - 1)  # what the old node has by now
                if state:
                    client.set_parameters(young_speaker, state)
            if index % FLIP_EVERY == 0:
                flip = FLIPS[(index // FLIP_EVERY) % len(FLIPS)]
                client.set_parameters(old_speaker, flip)
                if index >= young_from:
                    client.set_parameters(young_speaker, flip)
            heard = client.say(old_speaker, text, index, stop=index % args.stop_every == 0)
            settled = index % SETTLE_EVERY == 0
            client.spin_until(lambda: False, SETTLE_S if settled else IDLE_S)
            cache_mb = old_speaker.phrase_cache_mb
            sample = Sample(index, *process_sample(old_pid), *heard, cache_mb, settled)
            old.samples.append(sample)
            if index >= young_from:  # only its first audio counts: stopped once heard
                heard = client.say(young_speaker, text, index - young_from + 1, stop=True)
                young.samples.append(Sample(index, *process_sample(young_pid), *heard))
            if index % 50 == 0 or index == args.texts:
                last = old.samples[-1]
                print(
                    f"{index}/{args.texts}: RSS {last.rss_mb:.0f} MB, threads "
                    f"{last.threads}, files {last.open_files}, counts {old_speaker.counts}",
                    flush=True,
                )
        client.spin_until(lambda: old_speaker.accounted() >= len(texts), 5.0)
        old.sent, old.counts = len(texts), dict(old_speaker.counts)
        old.warnings = dict(old_speaker.warnings)
        young.sent, young.counts = len(texts) - young_from + 1, dict(young_speaker.counts)
    finally:
        client.close()
        for process in processes:
            stop_process(process)
    summary = summarise(old, young, warmup, windows)
    summary["command"] = node_command(args)
    result = {
        "summary": summary,
        "samples": [asdict(s) for s in old.samples],
        "young_samples": [asdict(s) for s in young.samples],
    }
    with open(os.path.join(args.out, "soak.json"), "w", encoding="utf-8") as stream:
        json.dump(result, stream, indent=1)
    plot(old, young, warmup, windows, os.path.join(args.out, "soak.png"))
    for key, value in summary.items():
        if key != "command":
            print(f"{key:44s} {value}")
    print(f"results: {args.out}/soak.json, soak.png; node logs: {args.out}/tts_node*.log")
    return 0 if summary["nothing_lost"] else 1


if __name__ == "__main__":
    sys.exit(main())
