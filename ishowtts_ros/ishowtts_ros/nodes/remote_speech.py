# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""tts_node as a thin client: its texts said by synthesis servers (``synthesis_server``).

The node's engine is then a :class:`~ishowtts_ros.serve.remote_engine.RemoteEngine`; no
torch is loaded unless ``local_engine`` asks for the local engine as the fallback.
"""

from __future__ import annotations

import os
from typing import Dict, Optional

from ishowtts_ros.serve.protocol import KEY_ENV
from ishowtts_ros.serve.remote_engine import RemoteEngine
from ishowtts_ros.serve.robot_voices import robot_listing
from ishowtts_ros.serve.server_pool import ServerPool


def speak_through_servers(node) -> Optional[RemoteEngine]:
    """Make the servers ``node``'s engine, when it lists any; None otherwise.

    The server's key, when it needs one, comes from the environment (``ISHOWTTS_SERVE_KEY``),
    never from a parameter: parameters can be read by anyone on the ROS graph.
    """
    urls = node.settings.servers()
    if not urls:
        return None

    def listed(listing: dict) -> None:  # each time a server answers (again)
        node.text_input.subscribe_voices(list(listing["voices"]))

    pool = ServerPool(
        urls,
        node.settings.server_timeout_s,
        os.environ.get(KEY_ENV, ""),
        on_listing=listed,
        robot_listing=lambda: robot_listing(node.engine_config),
        send_clips=node.settings.send_voice_clips,
    )
    remote = RemoteEngine(node.engine_config, pool, node.speaker.fallback)
    node.speaker.engine_loaded(remote)
    pool.start()
    node.get_logger().info(
        f"speaking through {', '.join(urls)}"
        + ("; the local engine loads as the fallback" if node.settings.local_engine else "")
    )
    return remote


def server_report(remote: RemoteEngine) -> Dict[str, str]:
    """Return the servers' part of the speech diagnostic: who speaks, who does not answer."""
    answering = remote.pool.answering()
    return {
        "synthesis server": f"grpc://{answering[0].url}" if answering else "none answering",
        "synthesis servers down": "; ".join(remote.pool.problems()) or "none",
        "requests cancelled by a stop": str(remote.pool.cancelled),
        "texts said without a server": str(remote.said_without_server),
    }


def server_problem(remote: RemoteEngine) -> str:
    """Return a warning naming each server that does not answer and what speaks instead."""
    down = remote.pool.problems()
    if not down:
        return ""
    answering = remote.pool.answering()
    if answering:
        instead = f"grpc://{answering[0].url} speaks"
    elif remote.local is not None:
        instead = "the local engine speaks"
    elif remote.fallback is not None:
        instead = f"{remote.fallback.name} speaks"
    else:
        instead = "nothing can speak"
    return f"synthesis server {'; '.join(down)}: {instead}"
