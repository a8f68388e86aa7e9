# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The doctor's checks of a robot speaking through synthesis servers: whether they answer."""

from __future__ import annotations

import os
from typing import List

from ishowtts_ros.doctor.checks import FAIL, OK, Check


def servers(engine, speech) -> List[Check]:
    """One line per synthesis server: its voices, or why it does not answer, as the node asks."""
    from ishowtts_ros.serve.protocol import KEY_ENV
    from ishowtts_ros.serve.robot_voices import robot_listing
    from ishowtts_ros.serve.server_pool import ServerPool

    pool = ServerPool(
        speech.servers(),
        speech.server_timeout_s,
        os.environ.get(KEY_ENV, ""),
        robot_listing=lambda: robot_listing(engine),
        send_clips=speech.send_voice_clips,
    )
    try:
        pool.probe()  # what the node's first probe does, here and now
        checks = []
        for server in pool.servers:
            name = f"server {server.url}"
            if not server.up:
                fix = "start ishowtts-serve there (its gRPC port), or correct synthesis_server"
                checks.append(Check(name, FAIL, server.problem, fix))
                continue
            listing = pool.robot if server.upstream else pool.listing
            whose = "the robot's, sent as clips" if server.upstream else "the server's"
            voices = ", ".join(listing["voices"]) if listing else "none"
            checks.append(Check(name, OK, f"answers; voices {voices} ({whose})"))
        return checks
    finally:
        pool.close()
