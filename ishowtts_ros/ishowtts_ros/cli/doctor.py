# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""``ishowtts-doctor``: check this installation, one line per concern with its fix.

    ishowtts-doctor [--params-file config/ishowtts.yaml] [--json]

Exits 1 when any check FAILs.
"""

from __future__ import annotations

import ishowtts_ros.entry  # noqa: F401  (first: our process's settings, before torch)

import argparse
import dataclasses
import json
import os
import sys
from typing import List, Tuple

import yaml

from ishowtts_ros.doctor import checks, compile_checks, server_checks
from ishowtts_ros.doctor.checks import FAIL, Check
from ishowtts_ros.doctor.jetson_checks import jetson
from ishowtts_ros.engine.config import EngineConfig
from ishowtts_ros.jetson.settings import JetsonSettings
from ishowtts_ros.speech.settings import SpeechSettings, split_parameters


def node_parameters(path: str, node: str) -> dict:
    """Read a node's ``ros__parameters`` from a ROS params file (``/**/node``, ``node``)."""
    if not path:
        return {}
    with open(path, encoding="utf-8") as stream:
        data = yaml.safe_load(stream) or {}
    for key in (f"/**/{node}", f"/{node}", node):
        if key in data:
            return dict(data[key].get("ros__parameters", {}))
    return {}


def settings_from(path: str) -> Tuple[EngineConfig, SpeechSettings, JetsonSettings]:
    engine, speech = split_parameters(node_parameters(path, "tts_node"))
    return (
        EngineConfig.from_dict(engine),
        SpeechSettings(**speech),
        JetsonSettings(**node_parameters(path, "jetson_performance_node")),
    )


def run_checks(engine: EngineConfig, speech: SpeechSettings, board: JetsonSettings) -> List[Check]:
    from ishowtts_ros.jetson.sysfs import read_stats

    stats = read_stats(board.sysfs_root)
    if speech.servers():  # a thin client: no torch, no model here; the servers must answer
        return [
            *checks.python_version(),
            *checks.packages("requirements-client.txt"),
            *server_checks.servers(engine, speech),
            *checks.ros(),
            *checks.sound(speech),
            *checks.fallback_voice(speech),
            *checks.resources(stats.memory, os.getcwd()),
        ]
    return [
        *checks.python_version(),
        *checks.torch_checks(stats.is_jetson),
        *checks.packages(),
        *checks.model_files(engine),
        *compile_checks.compile_cache(engine),
        *compile_checks.compile_works(engine, stats.is_jetson),
        *checks.ros(),
        *checks.sound(speech),
        *checks.fallback_voice(speech),
        *jetson(board, stats),
        *checks.resources(stats.memory, os.getcwd()),
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="ishowtts-doctor", description=__doc__.split("\n")[0])
    parser.add_argument("--params-file", default="", help="the nodes' ROS params file")
    parser.add_argument("--sysfs-root", help="read sys/, proc/ and etc/ under this folder")
    parser.add_argument("--json", action="store_true", help="print the checks as JSON")
    args = parser.parse_args(argv)
    try:
        engine, speech, board = settings_from(args.params_file)
        if args.sysfs_root:
            board = board.replace(sysfs_root=args.sysfs_root)
    except (OSError, ValueError, TypeError, yaml.YAMLError) as exc:
        print(f"ishowtts-doctor: error: params file {args.params_file}: {exc}", file=sys.stderr)
        return 2
    results = run_checks(engine, speech, board)
    if args.json:
        print(json.dumps([dataclasses.asdict(check) for check in results], indent=1))
    else:
        for check in results:
            print(f"{check.status:4} {check.name:18} {check.detail}")
            if check.fix and check.status != "OK":
                print(f"{'':4} {'':18} fix: {check.fix}")
    return 1 if any(check.status == FAIL for check in results) else 0


if __name__ == "__main__":
    sys.exit(main())
