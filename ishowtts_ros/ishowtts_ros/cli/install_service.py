# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""``ishowtts-install-service``: write the systemd unit that starts the stack on boot.

sudo ishowtts-install-service --user robot --workspace ~/ros2_ws
sudo systemctl daemon-reload && sudo systemctl enable --now ishowtts
journalctl -u ishowtts -f
"""

from __future__ import annotations

import argparse
import grp
import os
import pwd
import shlex
import sys
from typing import Dict, List

from ishowtts_ros.stop_bounds import UNIT_STOP_TIMEOUT_S

UNIT_PATH = "/etc/systemd/system/ishowtts.service"
TEMPLATE = """\
[Unit]
Description=ishowtts_ros: speech for robots (tts_node + jetson_performance_node)
After=network-online.target sound.target
Wants=network-online.target

[Service]
Type=simple
User={user}
{groups}\
{environment}\
ExecStart=/bin/bash -c {command}
Restart=on-failure
RestartSec=5
KillSignal=SIGINT
KillMode=mixed
TimeoutStopSec={stop_timeout_s}

[Install]
WantedBy=multi-user.target
"""


def existing_groups(names: List[str]) -> List[str]:
    """Keep the groups that exist here (systemd refuses a unit naming a missing one)."""
    found = []
    for name in names:
        try:
            grp.getgrnam(name)
            found.append(name)
        except KeyError:
            continue
    return found


def render_unit(
    user: str,
    groups: List[str],
    ros_setup: str,
    workspace_setup: str,
    launch_args: List[str],
    environment: Dict[str, str],
) -> str:
    """Render the unit: source ROS and the workspace, then ``ros2 launch``."""
    for value in [user, ros_setup, workspace_setup, *groups, *launch_args, *environment.values()]:
        if "\n" in value:
            raise ValueError(f"unit values must be single lines, got {value!r}")
    launch = " ".join(
        shlex.quote(a)
        for a in ["ros2", "launch", "ishowtts_ros", "ishowtts.launch.py", *launch_args]
    )
    sources = " && ".join(f"source {shlex.quote(path)}" for path in (ros_setup, workspace_setup))
    script = f"{sources} && exec {launch}"
    # systemd's own quoting: double quotes with \ and " escaped; % and $ doubled, so that
    # systemd expands neither specifiers nor variables in what came from the command line
    escaped = (
        script.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%").replace("$", "$$")
    )
    command = f'"{escaped}"'
    env_lines = "".join(f'Environment="{k}={v}"\n' for k, v in sorted(environment.items()))
    group_line = f"SupplementaryGroups={' '.join(groups)}\n" if groups else ""
    return TEMPLATE.format(
        user=user,
        groups=group_line,
        environment=env_lines,
        command=command,
        stop_timeout_s=f"{UNIT_STOP_TIMEOUT_S:.0f}",
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="ishowtts-install-service", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--user",
        default=os.environ.get("SUDO_USER") or pwd.getpwuid(os.getuid()).pw_name,
        help="user the service runs as (default: the one who ran sudo)",
    )
    parser.add_argument(
        "--groups",
        default="audio,jtop",
        help="extra groups, comma-separated; missing ones are left out (default audio,jtop)",
    )
    parser.add_argument("--ros-distro", default=os.environ.get("ROS_DISTRO", "humble"))
    parser.add_argument(
        "--workspace",
        default=os.getcwd(),
        help="colcon workspace with install/setup.bash (default: here)",
    )
    parser.add_argument("--domain-id", type=int, default=None, help="ROS_DOMAIN_ID of the robot")
    parser.add_argument(
        "--output", default=UNIT_PATH, help=f"where to write (default {UNIT_PATH}; - = stdout)"
    )
    parser.add_argument("launch_args", nargs="*", help="launch arguments, e.g. namespace:=robot1")
    args = parser.parse_args(argv)
    try:
        pwd.getpwnam(args.user)
    except KeyError:
        parser.error(f"--user {args.user!r} does not exist")
    workspace_setup = os.path.join(
        os.path.abspath(os.path.expanduser(args.workspace)), "install", "setup.bash"
    )
    if not os.path.isfile(workspace_setup):
        parser.error(f"no {workspace_setup}: run colcon build in --workspace first")
    environment = {"PYTHONUNBUFFERED": "1"}
    if args.domain_id is not None:
        environment["ROS_DOMAIN_ID"] = str(args.domain_id)
    unit = render_unit(
        args.user,
        existing_groups([g for g in args.groups.split(",") if g]),
        f"/opt/ros/{args.ros_distro}/setup.bash",
        workspace_setup,
        args.launch_args,
        environment,
    )
    if args.output == "-":
        sys.stdout.write(unit)
        return 0
    with open(args.output, "w", encoding="utf-8") as stream:
        stream.write(unit)
    print(
        f"wrote {args.output}\n"
        "next: sudo systemctl daemon-reload && sudo systemctl enable --now ishowtts\n"
        "logs: journalctl -u ishowtts -f"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
