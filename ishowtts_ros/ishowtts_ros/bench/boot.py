# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""``ishowtts-boot``: how soon a booting robot speaks, and when its graphs are all compiled.

Starts ``tts_node`` as a process, as a robot's boot does, publishes one text as soon as
the node's ``tts/text`` is discovered, and measures from the moment the process starts:
its first audio (heard on ``tts/audio``), and every bucket compiled (the speech
diagnostic says "ready" with all buckets compiled). Three starts: uncompiled (the
reference), compiled with an empty compile cache (cold), and again on the same cache
(warm). The fallback voice is off, so that the first audio is the model's own.

    bash scripts/boot.sh [--params-file FILE] [-p name:=value ...]
"""

from __future__ import annotations

import ishowtts_ros.entry  # noqa: F401  (first: our process's settings, before torch)

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

from ishowtts_ros.bench.soak import add_node_arguments, node_command, stop_process
from ishowtts_ros.bench.soak_client import SoakClient
from ishowtts_ros.bench.texts import SHORT

STARTS = (("uncompiled", "none"), ("cold cache", "default"), ("warm cache", "default"))


def boot(client: SoakClient, args, compile_mode: str, cache_dir: str) -> dict:
    """Start one node; return seconds from its start to first audio and to all compiled."""
    params = [*args.param, f"compile:={compile_mode}", f"compile_cache_dir:={cache_dir}"]
    command = node_command(argparse.Namespace(**{**vars(args), "param": params}))
    command += ["-p", "fallback_voice:=none"]
    speaker = client.speaker()
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        if not client.spin_until(lambda: speaker.publisher.get_subscription_count() > 0, 120):
            raise TimeoutError("tts_node did not come up")
        speaker.publisher.publish(speaker.String(data=SHORT))
        if not client.spin_until(lambda: speaker.audio_times, args.timeout):
            raise TimeoutError("the text sent at start was not heard")
        first_audio = speaker.audio_times[0] - started

        def compiled() -> bool:
            message, values = speaker.status
            done = values.get("buckets compiled", "").split(" of ")
            warming_up = message.startswith("warming up")  # else ready (or slow, on a busy CPU)
            return not warming_up and len(done) == 2 and done[0] == done[1]

        if not client.spin_until(compiled, args.timeout):
            raise TimeoutError(f"not all compiled: {speaker.status}")
        return {
            "first_audio_s": first_audio,
            "all_compiled_s": time.monotonic() - started,
            "buckets": speaker.status[1]["buckets compiled"],
        }
    finally:
        stop_process(process)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="ishowtts-boot", description=__doc__.split("\n")[0])
    add_node_arguments(parser, "boot.json", 1800.0, "seconds per start at most")
    args = parser.parse_args(argv)
    results = {}
    client = SoakClient(args.timeout)
    try:
        with tempfile.TemporaryDirectory(prefix="ishowtts-boot-") as cache_dir:
            for name, mode in STARTS:
                results[name] = boot(client, args, mode, cache_dir)
                print(f"{name:12} {json.dumps(results[name])}", flush=True)
    finally:
        client.close()
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as stream:
        json.dump(results, stream, indent=1)
    eager = results["uncompiled"]["first_audio_s"]
    print(f"\n{'start':12} {'first audio s':>14} {'vs uncompiled':>14} {'all compiled s':>15}")
    for name, row in results.items():
        print(
            f"{name:12} {row['first_audio_s']:14.2f} {row['first_audio_s'] - eager:+14.2f} "
            f"{row['all_compiled_s']:15.1f}"
        )
    cold, warm = results["cold cache"]["all_compiled_s"], results["warm cache"]["all_compiled_s"]
    print(f"warm over cold, start to all compiled: {warm / cold:.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
