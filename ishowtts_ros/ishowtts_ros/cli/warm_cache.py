# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""``ishowtts-warm-cache``: compile every bucket into the inductor cache, then exit.

tts_node runs it as a child process when its warm-up reaches the compile steps: the robot
speaks uncompiled meanwhile and no text waits on a compile; then it loads each bucket from
the cache in a short step. Run it before the first boot (after an update of torch or of
the weights too) and even the first start compiles from the cache:

    ishowtts-warm-cache --params-file ishowtts_ros/config/ishowtts.yaml
    ishowtts-warm-cache --config ishowtts_ros/config/engine.yaml
"""

from __future__ import annotations

import ishowtts_ros.entry  # noqa: F401  (first: our process's settings, before torch)

import argparse
import json
import logging
import sys
import time

from ishowtts_ros.engine.config import EngineConfig


def engine_config(args) -> EngineConfig:
    if args.engine_json:  # as tts_node hands its own over
        return EngineConfig.from_dict(json.loads(args.engine_json))
    if args.config:
        return EngineConfig.from_yaml(args.config)
    from ishowtts_ros.cli.doctor import settings_from

    return settings_from(args.params_file)[0]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="ishowtts-warm-cache", description=__doc__.split("\n")[0]
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--params-file", default="", help="tts_node's ROS params file")
    source.add_argument("--config", help="engine config YAML")
    source.add_argument("--engine-json", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="ishowtts-warm-cache: %(message)s")
    from ishowtts_ros.engine import Engine, EngineError

    try:
        config = engine_config(args).replace(preload_phrases=[], preload_phrases_file="")
        engine = Engine.load(config)
    except (EngineError, ValueError, OSError) as exc:
        print(f"ishowtts-warm-cache: error: {exc}", file=sys.stderr)
        return 2
    steps = engine.runtime.compile_steps()
    if not steps:
        print(f"ishowtts-warm-cache: compile {config.compile}: nothing to compile here")
        return 0
    started = time.perf_counter()
    for name, run in steps:
        step_started = time.perf_counter()
        run()
        print(
            f"ishowtts-warm-cache: {name}: {time.perf_counter() - step_started:.1f} s", flush=True
        )
    error = engine.runtime.health.error
    if error:
        print(f"ishowtts-warm-cache: error: {error}", file=sys.stderr)
        return 1
    seconds, folder = time.perf_counter() - started, engine.runtime.cache_dir
    print(f"ishowtts-warm-cache: {len(steps)} steps in {seconds:.1f} s, into {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
