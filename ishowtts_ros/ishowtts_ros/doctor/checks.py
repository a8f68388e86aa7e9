# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""What ``ishowtts-doctor`` checks, one plain function per concern, each with its fix."""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.resources
import os
import re
import shutil
import sys
from dataclasses import dataclass
from typing import List

OK, WARN, FAIL = "OK", "WARN", "FAIL"
MIN_FREE_DISK_GB = 5.0
MIN_FREE_RAM_GB = 2.0


@dataclass
class Check:
    """One line of the doctor's report."""

    name: str
    status: str
    detail: str
    fix: str = ""


def python_version() -> List[Check]:
    version = ".".join(map(str, sys.version_info[:3]))
    if sys.version_info < (3, 10):
        return [Check("python", FAIL, version, "use Python 3.10 or newer (JetPack 6: 3.10)")]
    return [Check("python", OK, f"{version} ({sys.executable})")]


def torch_checks(on_jetson: bool) -> List[Check]:
    try:
        import torch
    except Exception as exc:  # not installed, or a broken build
        return [Check("torch", FAIL, f"cannot import torch: {exc}", "bash scripts/setup.sh")]
    checks = [Check("torch", OK, torch.__version__)]
    if not torch.cuda.is_available():
        fix = (
            "install NVIDIA's PyTorch for your JetPack (see README, Jetson installation)"
            if on_jetson
            else "speech runs on the CPU, far slower; install a CUDA build of torch for a GPU"
        )
        checks.append(Check("cuda", FAIL if on_jetson else WARN, "torch sees no CUDA device", fix))
        return checks
    major, minor = torch.cuda.get_device_capability(0)
    name = torch.cuda.get_device_name(0)
    checks.append(Check("cuda", OK, f"{name}, compute capability {major}.{minor}"))
    if (major, minor) >= (7, 0):
        checks.append(Check("fp16", OK, "tensor cores: dtype auto runs fp16"))
    else:
        checks.append(Check("fp16", WARN, "no tensor cores: dtype auto runs fp32", ""))
    return checks


def runtime_requirements() -> List[str]:
    """Name the packages of the runtime stack, from its one list (the package's own file).

    Those pinned for one machine only (torch, torchaudio: JetPack's on a Jetson) are left
    to the torch checks.
    """
    return _requirements("requirements.txt")


def _requirements(name: str) -> List[str]:
    text = importlib.resources.files("ishowtts_ros").joinpath(name).read_text()
    names = []
    for line in (line.split("#")[0].strip() for line in text.splitlines()):
        if line.startswith("-r "):  # a list it includes, beside it
            names += _requirements(line[3:].strip())
        elif line and ";" not in line:
            names.append(re.match(r"[A-Za-z0-9_.-]+", line)[0])
    return names


def packages(requirements: str = "requirements.txt") -> List[Check]:
    """One line per package of a list (``requirements-client.txt``: a thin client's)."""
    checks = []
    for name in _requirements(requirements):
        try:
            checks.append(Check(name, OK, importlib.metadata.version(name)))
        except importlib.metadata.PackageNotFoundError:
            detail = f"not installed: pip install -r requirements.txt (the pinned {name})"
            checks.append(Check(name, FAIL, detail, "bash scripts/setup.sh"))
    return checks


def model_files(config) -> List[Check]:
    """Checkpoint, vocab, vocoder and voices as the engine would load them (no download)."""
    from ishowtts_ros.engine import loading
    from ishowtts_ros.engine.errors import MissingFileError
    from ishowtts_ros.engine.model_spec import load_model_spec

    checks = []
    try:
        spec = load_model_spec(config.model)
        checks.append(Check("model config", OK, spec.name))
    except (OSError, ValueError) as exc:
        return [Check("model config", FAIL, str(exc), "set model to a shipped name or a YAML")]
    for name, resolve in (
        ("checkpoint", lambda: loading.resolve_checkpoint(spec.name, config.ckpt_file, False)),
        ("vocoder", lambda: loading.resolve_vocoder_dir(config.vocoder_dir, False)[0]),
        ("vocab", lambda: _vocab_path(config.vocab_file)),
    ):
        try:
            found = resolve()
            readable = not isinstance(found, str) or os.access(found, os.R_OK)
            checks.append(
                Check(name, OK if readable else FAIL, str(found), "" if readable else "chmod a+r")
            )
        except MissingFileError as exc:
            checks.append(Check(name, FAIL, str(exc), _fix_for(name)))
    checks += voices(config.voices_file)
    return checks


def _vocab_path(vocab_file: str) -> str:
    from ishowtts_ros.engine import loading
    from ishowtts_ros.engine.text import shipped_vocab_path

    loading.load_vocab(vocab_file)  # raises MissingFileError naming the file
    return vocab_file or shipped_vocab_path()


def _fix_for(name: str) -> str:
    return {
        "checkpoint": "download F5TTS_v1_Base's model_1250000.safetensors and set ckpt_file",
        "vocoder": "download charactr/vocos-mel-24khz (config.yaml, pytorch_model.bin), "
        "set vocoder_dir",
        "vocab": "set vocab_file to the checkpoint's vocab.txt, or leave it empty",
    }[name]


def voices(voices_file: str) -> List[Check]:
    import soundfile

    from ishowtts_ros.engine.registry import load_voice_registry

    try:
        specs = load_voice_registry(voices_file)
    except (OSError, ValueError) as exc:
        return [Check("voices", FAIL, str(exc), "fix the voices file (see config/voices.yaml)")]
    checks = [Check("voices", OK, f"{voices_file or 'f5-tts example'}: {len(specs)} voices")]
    for spec in specs:
        try:
            info = soundfile.info(spec.ref_audio)
            checks.append(
                Check(f"voice {spec.id}", OK, f"{spec.ref_audio}: {info.duration:.1f} s")
            )
        except Exception as exc:  # missing, unreadable or not a sound file
            checks.append(
                Check(
                    f"voice {spec.id}",
                    FAIL,
                    f"{spec.ref_audio}: {exc}",
                    "point ref_audio at a readable WAV/FLAC/OGG clip of 3-10 s",
                )
            )
    return checks


def fallback_voice(settings) -> List[Check]:
    """Check the voice that speaks while the model loads, or when it failed to load."""
    from ishowtts_ros.speech.fallback_voice import ESPEAK

    if settings.fallback_voice == "none":
        return [Check("fallback voice", OK, "none: silent while the model loads")]
    found = shutil.which(ESPEAK)
    if found:
        return [Check("fallback voice", OK, found)]
    detail = f"{ESPEAK} not installed: silent while the model loads or when it fails"
    return [Check("fallback voice", WARN, detail, f"sudo apt install {ESPEAK}")]


def ros() -> List[Check]:
    distro = os.environ.get("ROS_DISTRO", "")
    checks = [
        Check("ROS 2", OK, f"{distro} sourced")
        if distro
        else Check("ROS 2", WARN, "no ROS 2 sourced", "source /opt/ros/<distro>/setup.bash")
    ]
    # A name from each: a source folder of the same name (the repository's ishowtts_msgs/)
    # imports as an empty namespace package.
    apt = "sudo apt install ros-$ROS_DISTRO-"
    for module, name, fix in (
        ("rclpy", "init", f"{apt}rclpy"),
        ("audio_common_msgs.msg", "AudioData", f"{apt}audio-common-msgs"),
        ("ishowtts_msgs.msg", "Heard", "colcon build the workspace, then source its setup.bash"),
        ("sound_play_msgs.msg", "SoundRequest", f"{apt}sound-play-msgs"),
    ):
        try:
            getattr(importlib.import_module(module), name)
            checks.append(Check(module.split(".")[0], OK, "importable"))
        except (ImportError, AttributeError) as exc:
            status = WARN if module == "sound_play_msgs.msg" else FAIL  # the rest: no node
            checks.append(Check(module.split(".")[0], status, f"cannot import: {exc}", fix))
    return checks


def sound(settings) -> List[Check]:
    """Check the sound device tts_node would play on (only when play_audio is on)."""
    if not settings.play_audio:
        return [Check("sound device", OK, "play_audio is off: audio is only published")]
    try:
        import sounddevice
    except (ImportError, OSError) as exc:
        return [
            Check("sound device", WARN, f"no sounddevice: {exc}", "sudo apt install libportaudio2")
        ]
    from ishowtts_ros.audio.playback import find_output_device

    try:
        device = find_output_device(settings.audio_device)
        info = sounddevice.query_devices(device, "output")
        return [Check("sound device", OK, f"{info['name']} ({info['max_output_channels']} ch)")]
    except Exception as exc:  # PlaybackUnavailable, and PortAudio's own errors
        return [
            Check(
                "sound device",
                WARN,
                str(exc),
                "set audio_device (python3 -m sounddevice lists them), or play_audio: false",
            )
        ]


def resources(memory, folder: str) -> List[Check]:
    """Free disk in ``folder`` and available RAM (``memory``: from the sysfs readers)."""
    free_disk = shutil.disk_usage(folder).free / 2**30
    free_ram = memory.ram_available_kb / 2**20
    return [
        Check(
            "disk",
            OK if free_disk >= MIN_FREE_DISK_GB else WARN,
            f"{free_disk:.1f} GB free in {folder}",
            "" if free_disk >= MIN_FREE_DISK_GB else "free disk space (compile cache, logs)",
        ),
        Check(
            "memory",
            OK if free_ram >= MIN_FREE_RAM_GB else WARN,
            f"{free_ram:.1f} GB available of {memory.ram_total_kb / 2**20:.1f} GB",
            "" if free_ram >= MIN_FREE_RAM_GB else "stop other programs; the model needs ~2 GB",
        ),
    ]
