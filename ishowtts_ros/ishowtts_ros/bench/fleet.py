# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Fleet benchmark: N robots speak through one ``ishowtts-serve``, batching on and off.

Starts ``ishowtts-serve`` (loopback, free ports) once per ``--max-batch`` value. Each robot
is a thread with a gRPC client of its own: it says texts of the robot mix
(:mod:`.texts`) one after the other, chunk by chunk as a robot plans them
(:mod:`ishowtts_ros.serve.chunk_plan`), one request per chunk. Per (max batch, N): audio
seconds per second, first audio p50/p95 (a text sent → its first chunk back), texts lost,
the batch sizes Triton formed (its statistics), and the server's RSS in the first and the
last tenth of the run. JSON like the other benches.

    python -m ishowtts_ros.bench.fleet --config ENGINE_YAML [--robots 1,2,4,8]
        [--texts 4] [--max-batch 4,1] [--json bench-results/fleet.json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import threading
import time
from typing import Dict, List

import numpy as np

from ishowtts_ros.bench.texts import robot_text
from ishowtts_ros.serve.chunk_plan import ChunkPlanner
from ishowtts_ros.serve.client_requests import chunk_request, voice_listing
from ishowtts_ros.serve.server_process import ServeProcess

READY_TIMEOUT_S = 600.0  # a cold compile cache on a big model takes minutes
REQUEST_TIMEOUT_S = 600.0


def batch_counts(client) -> Dict[int, int]:
    [model] = client.get_inference_statistics("f5_tts", as_json=True)["model_stats"]
    return {
        int(b["batch_size"]): int(b["compute_infer"].get("count", 0))
        for b in model.get("batch_stats", [])
    }


def run_fleet(server: ServeProcess, planner: ChunkPlanner, robots: int, texts: int) -> dict:
    """``robots`` threads, ``texts`` texts each; return the figures of this run."""
    import tritonclient.grpc as grpcclient

    voice = planner.listing["default"]
    first_audio: List[float] = []
    audio_s = [0.0]
    lost: List[str] = []
    rss: List[float] = []
    lock = threading.Lock()

    def robot(index: int) -> None:
        rng, said = random.Random(index), []
        client = grpcclient.InferenceServerClient(server.grpc_url)
        try:
            for number in range(texts):
                text = robot_text(rng, said)
                sent = time.perf_counter()
                try:
                    for position, chunk in enumerate(planner.chunks(text, voice)):
                        request = chunk_request(chunk, voice, index * 1000 + number)
                        wave = client.infer(
                            "f5_tts", request, client_timeout=REQUEST_TIMEOUT_S
                        ).as_numpy("waveform")
                        with lock:
                            if position == 0:
                                first_audio.append(time.perf_counter() - sent)
                            audio_s[0] += wave.size / 24000
                except Exception as exc:  # counted: a fleet must not lose a text silently
                    with lock:
                        lost.append(f"robot {index}: {type(exc).__name__}: {exc}"[:300])
                with lock:
                    rss.append(server.rss_mb())
        finally:
            client.close()

    client = grpcclient.InferenceServerClient(server.grpc_url)
    before = batch_counts(client)
    started = time.perf_counter()
    threads = [threading.Thread(target=robot, args=(i,)) for i in range(robots)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    after = batch_counts(client)
    client.close()
    tenth = max(1, len(rss) // 10)
    return {
        "robots": robots,
        "texts": robots * texts,
        "lost": len(lost),
        "lost_reasons": lost[:5],
        "audio_s_per_s": audio_s[0] / wall,
        "first_audio_p50_s": statistics.median(first_audio) if first_audio else None,
        "first_audio_p95_s": float(np.percentile(first_audio, 95)) if first_audio else None,
        "batches": {k: after[k] - before.get(k, 0) for k in after if after[k] > before.get(k, 0)},
        "rss_mb_first_tenth": statistics.mean(rss[:tenth]) if rss else None,
        "rss_mb_last_tenth": statistics.mean(rss[-tenth:]) if rss else None,
        "wall_s": wall,
    }


def print_table(rows: List[dict]) -> None:
    print(
        f"{'batch':>5} {'N':>3} {'texts':>5} {'lost':>4} {'audio s/s':>9} "
        f"{'first p50':>9} {'first p95':>9} {'RSS MB first→last':>18}  batches formed"
    )
    for row in rows:
        print(
            f"{row['max_batch']:>5} {row['robots']:>3} {row['texts']:>5} {row['lost']:>4} "
            f"{row['audio_s_per_s']:>9.3f} {row['first_audio_p50_s']:>8.2f}s "
            f"{row['first_audio_p95_s']:>8.2f}s "
            f"{row['rss_mb_first_tenth']:>8.0f}→{row['rss_mb_last_tenth']:<8.0f}  {row['batches']}"
        )
    by = {(r["max_batch"], r["robots"]): r for r in rows}
    for (batch, robots), row in sorted(by.items()):
        alone = by.get((1, robots))
        if batch != 1 and alone:
            ratio = row["audio_s_per_s"] / alone["audio_s_per_s"]
            print(f"N={robots}: throughput batch {batch} / batch 1 = {ratio:.2f}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="ishowtts-bench fleet", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--config", required=True, help="engine config YAML the server loads")
    parser.add_argument("--robots", default="1,2,4,8", help="fleet sizes, comma-separated")
    parser.add_argument("--texts", type=int, default=4, help="texts each robot says")
    parser.add_argument("--max-batch", default="4,1", help="server batch sizes to compare")
    parser.add_argument("--json", default="", help="write the results here")
    parser.add_argument("--log-dir", default="bench-results", help="server logs go here")
    args = parser.parse_args(argv)
    import tritonclient.grpc as grpcclient

    from ishowtts_ros.engine.config import EngineConfig

    config = EngineConfig.from_yaml(args.config)
    os.makedirs(args.log_dir, exist_ok=True)
    rows = []
    for max_batch in [int(b) for b in args.max_batch.split(",")]:
        log = os.path.join(args.log_dir, f"fleet-serve-batch{max_batch}.log")
        server = ServeProcess(args.config, log, "--max-batch", str(max_batch))
        try:
            server.wait_ready(READY_TIMEOUT_S)
            client = grpcclient.InferenceServerClient(server.grpc_url)
            planner = ChunkPlanner(config, voice_listing(client))
            client.close()
            for robots in [int(n) for n in args.robots.split(",")]:
                row = run_fleet(server, planner, robots, args.texts)
                row["max_batch"] = max_batch
                rows.append(row)
                print(json.dumps(row), flush=True)
        finally:
            server.stop()
    print_table(rows)
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"config": args.config, "rows": rows}, out, indent=2)
    return 0 if all(row["lost"] == 0 for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
