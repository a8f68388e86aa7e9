# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""ROS 2 package conventions: style, docstrings, licence headers, package.xml, Python 3.10."""

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.no_torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the package
REPOSITORY = os.path.dirname(ROOT)
BIN = os.path.dirname(sys.executable)
SKIP_DIRS = {"build", "install", "log", ".git"}


def project_files(*suffixes):
    for folder, dirs, names in os.walk(REPOSITORY):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.startswith(".venv")]
        for name in names:
            if name.endswith(suffixes):
                yield os.path.join(folder, name)


def run_tool(*args):
    return subprocess.run(
        [os.path.join(BIN, args[0]), *args[1:]],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_flake8_and_pep257_rules_pass():
    result = run_tool("ruff", "check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_code_runs_on_python_3_10():
    """JetPack 6 / Humble robots run Python 3.10: nothing may need a newer one."""
    targets = [os.path.join(ROOT, p) for p in ("ishowtts_ros", "launch", "test", "setup.py")]
    result = run_tool(
        "vermin", "--target=3.10-", "--violations", "--no-tips", "--eval-annotations", *targets
    )
    assert result.returncode == 0, result.stdout + result.stderr


def package_license():
    from catkin_pkg.package import parse_package

    warnings = []
    package = parse_package(os.path.join(ROOT, "package.xml"), warnings=warnings)
    assert not warnings, warnings
    return package


def test_package_xml_is_valid_format_3():
    package = package_license()
    assert package.package_format == 3 and package.name == "ishowtts_ros"
    package.validate()
    with open(os.path.join(ROOT, "package.xml"), encoding="utf-8") as stream:
        assert "package_format3.xsd" in stream.read()


def test_every_source_file_carries_the_package_licence():
    [licence] = package_license().licenses
    header = f"# SPDX-License-Identifier: {licence}"
    missing = []
    for path in project_files(".py", ".sh"):
        with open(path, encoding="utf-8") as stream:
            head = stream.read(400)
        if "# Copyright" not in head or header not in head:
            missing.append(os.path.relpath(path, REPOSITORY))
    assert not missing, f"files without the {licence} header: {missing}"
    with open(os.path.join(REPOSITORY, "LICENSE"), encoding="utf-8") as stream:
        assert stream.readline().strip() == f"{licence} License"
