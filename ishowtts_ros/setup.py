# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Build ishowtts_ros (ament_python); console scripts go to lib/ishowtts_ros for ``ros2 run``."""

from glob import glob

from setuptools import find_packages, setup

PACKAGE = "ishowtts_ros"

setup(
    name=PACKAGE,
    version="0.1.0",
    packages=find_packages(exclude=["test"]),
    # The runtime stack (and its torch-free part, for robots speaking through a server).
    package_data={PACKAGE: ["requirements.txt", "requirements-client.txt"]},
    data_files=[
        ("share/ament_index/resource_index/packages", [f"resource/{PACKAGE}"]),
        (f"share/{PACKAGE}", ["package.xml"]),
        (f"share/{PACKAGE}/launch", glob("launch/*.launch.py")),
        (f"share/{PACKAGE}/config", glob("config/*.yaml")),
    ],
    install_requires=["setuptools"],
    zip_safe=True,
    maintainer="ishowtts_ros maintainers",
    maintainer_email="maintainers@ishowtts.invalid",
    description="Speech for robots: F5-TTS text-to-speech as ROS 2 nodes.",
    license="MIT",
    python_requires=">=3.10",
    entry_points={
        "console_scripts": [
            "ishowtts-say = ishowtts_ros.cli.say:main",
            "ishowtts-make-test-model = ishowtts_ros.cli.make_test_model:main",
            "ishowtts-bench = ishowtts_ros.bench.cli:main",
            "ishowtts-soak = ishowtts_ros.bench.soak:main",
            "ishowtts-boot = ishowtts_ros.bench.boot:main",
            "tts_node = ishowtts_ros.nodes.tts_node:main",
            "jetson_performance_node = ishowtts_ros.nodes.jetson_performance_node:main",
            "ishowtts-install-service = ishowtts_ros.cli.install_service:main",
            "ishowtts-demo = ishowtts_ros.cli.demo:main",
            "ishowtts-doctor = ishowtts_ros.cli.doctor:main",
            "ishowtts-warm-cache = ishowtts_ros.cli.warm_cache:main",
            "ishowtts-serve = ishowtts_ros.cli.serve:main",
        ],
    },
)
