# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Ways to change a Jetson's power mode and clocks.

Through jetson-stats' jtop service, or the ``nvpmodel`` and ``jetson_clocks`` executables
(argument lists, never a shell, with timeouts).
"""

from __future__ import annotations

import os
import subprocess
from typing import List

from ishowtts_ros.jetson.nvpmodel import PowerMode, parse_query

JTOP_SOCKET = "/run/jtop.sock"
COMMAND_TIMEOUT_S = 20.0
PERMISSION_HINT = (
    "changing clocks needs root: run the node as root, or install jetson-stats "
    "(sudo pip3 install jetson-stats) and add its user to the jtop group "
    "(sudo usermod -aG jtop $USER), or allow these two commands in sudoers"
)


class ControlError(RuntimeError):
    """A power mode or clock change failed; the message says what to do."""


class UnknownPowerMode(ControlError):
    """The power mode could not be read from the tool's answer (quoted in the message)."""


class CommandBackend:
    """nvpmodel and jetson_clocks run as executables."""

    name = "commands"

    def __init__(
        self,
        nvpmodel_cmd: str = "nvpmodel",
        jetson_clocks_cmd: str = "jetson_clocks",
        timeout_s: float = COMMAND_TIMEOUT_S,
    ):
        self.nvpmodel_cmd = nvpmodel_cmd
        self.jetson_clocks_cmd = jetson_clocks_cmd
        self.timeout_s = timeout_s

    def power_mode(self) -> PowerMode:
        output = self._run([self.nvpmodel_cmd, "-q"])
        mode = parse_query(output)
        if mode is None:
            quoted = " | ".join(output.strip().splitlines()[:3])[:120] or "no output"
            raise UnknownPowerMode(f"cannot read the power mode from nvpmodel -q: {quoted!r}")
        return mode

    def set_power_mode(self, mode: PowerMode) -> None:
        self._run([self.nvpmodel_cmd, "-m", str(mode.id)])

    def jetson_clocks(self, *flags: str) -> None:
        """Lock clocks at max (no flags), or ``--store`` / ``--restore`` them."""
        self._run([self.jetson_clocks_cmd, *flags])

    def _run(self, argv: List[str]) -> str:
        try:
            result = subprocess.run(
                argv,
                capture_output=True,
                text=True,
                timeout=self.timeout_s,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except FileNotFoundError as exc:
            raise ControlError(
                f"{argv[0]} not found: install JetPack's tools or set the command path"
            ) from exc
        except PermissionError as exc:
            raise ControlError(f"{argv[0]} not executable: {PERMISSION_HINT}") from exc
        except subprocess.TimeoutExpired as exc:
            raise ControlError(f"{' '.join(argv)} did not finish in {self.timeout_s:g} s") from exc
        except OSError as exc:  # e.g. not an executable format
            raise ControlError(f"{argv[0]} could not run: {exc}") from exc
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
            hint = f"; {PERMISSION_HINT}" if os.geteuid() != 0 or "ermission" in detail[0] else ""
            raise ControlError(
                f"{' '.join(argv)} failed (exit {result.returncode}): {detail[0]}{hint}"
            )
        return result.stdout


def jtop_available(socket_path: str = JTOP_SOCKET) -> bool:
    """Tell whether the jtop service's socket exists and the jtop package imports."""
    if not os.path.exists(socket_path):
        return False
    try:
        import jtop  # noqa: F401
    except ImportError:
        return False
    return True


class JtopBackend:
    """jetson-stats' jtop service: works for members of the jtop group, without root."""

    name = "jtop"

    def __init__(self):
        from jtop import jtop

        self._jetson = jtop()
        self._jetson.start()

    def power_mode(self) -> PowerMode:
        try:
            mode = self._jetson.nvpmodel
        except Exception as exc:  # the jtop service restarted or went away
            raise ControlError(f"jtop did not answer: {exc}") from exc
        if not mode:
            raise UnknownPowerMode(f"jtop reports no power mode: {mode!r}")
        return PowerMode(int(getattr(mode, "id", -1)), str(getattr(mode, "name", mode)))

    def set_power_mode(self, mode: PowerMode) -> None:
        try:
            self._jetson.nvpmodel = mode.id
        except Exception as exc:  # jtop raises its own types for refusals
            raise ControlError(
                f"jtop refused power mode {mode.name}: {exc}; {PERMISSION_HINT}"
            ) from exc

    def jetson_clocks(self, *flags: str) -> None:
        if flags:  # jtop keeps its own stored state; --store/--restore are no-ops here
            return
        try:
            self._jetson.jetson_clocks = True
        except Exception as exc:
            raise ControlError(f"jtop refused jetson_clocks: {exc}; {PERMISSION_HINT}") from exc

    def close(self) -> None:
        self._jetson.close()
