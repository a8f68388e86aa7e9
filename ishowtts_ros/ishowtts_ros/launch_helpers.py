# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""What ``launch/ishowtts.launch.py`` computes, as plain functions (no launch import).

The launch file declares :data:`LAUNCH_ARGUMENTS` and hands their values to
:func:`node_configs`, which returns keyword arguments for ``launch_ros.actions.Node``.
"""

from __future__ import annotations

import os
from typing import Dict, List, NamedTuple

from ishowtts_ros.engine.config import ENGINE_PARAMS, EngineConfig
from ishowtts_ros.parameters import check, defaults
from ishowtts_ros.serve.server_pool import server_address
from ishowtts_ros.speech.settings import SPEECH_PARAMS, SpeechSettings
from ishowtts_ros.stop_bounds import LAUNCH_SIGKILL_AFTER_S, LAUNCH_SIGTERM_AFTER_S

PACKAGE = "ishowtts_ros"
LOG_LEVELS = ("debug", "info", "warn", "error", "fatal")
BOOLEANS = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}
# tts_node parameters a launch argument can set; meanings and ranges from their tables.
TTS_ARGUMENTS = (
    "voices_file",
    "voice",
    "nfe_step",
    "play_audio",
    "publish_audio",
    "synthesis_server",
)
TTS_PARAMS = {**ENGINE_PARAMS, **SPEECH_PARAMS}
TTS_DEFAULTS = {**defaults(EngineConfig), **defaults(SpeechSettings)}


class LaunchArgument(NamedTuple):
    name: str
    default: str
    description: str


def _tts_argument(name: str) -> LaunchArgument:
    param = TTS_PARAMS[name]
    allowed = f" [{param.describe_range()}]" if param.describe_range() else ""
    return LaunchArgument(name, "", f"{param.description}{allowed} (default: the params file's)")


LAUNCH_ARGUMENTS = [
    LaunchArgument(
        "params_file",
        "",
        "ROS parameters YAML for both nodes (default: the package's config/ishowtts.yaml)",
    ),
    LaunchArgument("namespace", "", "namespace of both nodes, e.g. robot1"),
    *(_tts_argument(name) for name in TTS_ARGUMENTS),
    LaunchArgument(
        "enable_jetson_performance", "true", "start jetson_performance_node: true/false"
    ),
    LaunchArgument("log_level", "info", "log level: " + ", ".join(LOG_LEVELS)),
    LaunchArgument("respawn_delay", "5.0", "seconds before a node that died is started again"),
]


def default_params_file(share_dir: str) -> str:
    return os.path.join(share_dir, "config", "ishowtts.yaml")


def parse_bool(name: str, value: str) -> bool:
    try:
        return BOOLEANS[value.strip().lower()]
    except KeyError:
        raise ValueError(f"launch argument {name} must be true or false, got {value!r}") from None


def tts_overrides(values: Dict[str, str]) -> Dict[str, object]:
    """tts_node parameters set by launch arguments (empty arguments leave the params file's)."""
    overrides: Dict[str, object] = {}
    for name in TTS_ARGUMENTS:
        raw = values.get(name, "")
        if not raw:
            continue
        default = TTS_DEFAULTS[name]
        if isinstance(default, bool):
            value = parse_bool(name, raw)
        elif isinstance(default, int):
            try:
                value = int(raw)
            except ValueError:
                raise ValueError(
                    f"launch argument {name} must be an integer, got {raw!r}"
                ) from None
        else:
            value = raw
        try:
            check(name, value, default, TTS_PARAMS[name])
            if name == "synthesis_server":
                server_address(value)  # a typo stops the launch, not the node in a loop
        except ValueError as exc:
            raise ValueError(f"launch argument {exc}") from None
        overrides[name] = value
    return overrides


def node_configs(values: Dict[str, str], share_dir: str) -> List[dict]:
    """Keyword arguments of the ``launch_ros.actions.Node`` actions to start."""
    level = values.get("log_level", "info").lower()
    if level not in LOG_LEVELS:
        raise ValueError(
            f"launch argument log_level must be one of {', '.join(LOG_LEVELS)}, got {level!r}"
        )
    try:
        delay = float(values.get("respawn_delay", "5.0"))
    except ValueError:
        raise ValueError(
            f"launch argument respawn_delay must be seconds, got {values['respawn_delay']!r}"
        ) from None
    params_file = values.get("params_file") or default_params_file(share_dir)
    if not os.path.isfile(params_file):
        raise ValueError(f"launch argument params_file: no such file {params_file!r}")
    common = {
        "package": PACKAGE,
        "namespace": values.get("namespace", ""),
        "output": "screen",
        "respawn": True,
        "respawn_delay": delay,
        "arguments": ["--ros-args", "--log-level", level],
        # launch's own 5 s would cut the close short (a SIGTERM hurries it)
        "sigterm_timeout": str(LAUNCH_SIGTERM_AFTER_S),
        "sigkill_timeout": str(LAUNCH_SIGKILL_AFTER_S),
    }
    overrides = tts_overrides(values)
    configs = [
        dict(
            common,
            executable="tts_node",
            name="tts_node",
            parameters=[params_file] + ([overrides] if overrides else []),
        )
    ]
    if parse_bool("enable_jetson_performance", values.get("enable_jetson_performance", "true")):
        configs.append(
            dict(
                common,
                executable="jetson_performance_node",
                name="jetson_performance_node",
                parameters=[params_file],
            )
        )
    return configs
