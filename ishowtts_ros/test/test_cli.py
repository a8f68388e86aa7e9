# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Console scripts, run as real subprocesses."""

import hashlib
import os
import subprocess
import sys

import pytest

from ishowtts_ros.audio.wav import read_wav

BIN = os.path.dirname(sys.executable)


def run(*args, timeout=120):
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    return subprocess.run(
        [os.path.join(BIN, args[0]), *args[1:]],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )


def digest(path):
    with open(path, "rb") as stream:
        return hashlib.sha256(stream.read()).hexdigest()


def test_make_test_model_is_deterministic_and_complete(tmp_path):
    for out in ("a", "b"):
        result = run(
            "ishowtts-make-test-model", str(tmp_path / out), "--dim", "32", "--depth", "1"
        )
        assert result.returncode == 0, result.stderr
    for name in ("model.safetensors", "vocab.txt", "voice.wav", "vocoder/pytorch_model.bin"):
        assert digest(tmp_path / "a" / name) == digest(tmp_path / "b" / name), name
    for name in (
        "model.pt",
        "model.yaml",
        "voices.yaml",
        "config.yaml",
        "tts_node.params.yaml",
        "vocoder/config.yaml",
    ):
        assert (tmp_path / "a" / name).is_file(), name


def test_make_test_model_rejects_bad_sizes(tmp_path):
    result = run("ishowtts-make-test-model", str(tmp_path), "--dim", "30", "--heads", "4")
    assert result.returncode == 2 and "--dim must be a multiple of --heads" in result.stderr


def test_say_writes_wav_of_the_estimated_length(test_model, engine, tmp_path):
    text = "Hello from the command line. This is the second sentence."
    out = tmp_path / "out.wav"
    result = run(
        "ishowtts-say",
        "--text",
        text,
        "--config",
        test_model["config"],
        "--seed",
        "4",
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    samples, rate = read_wav(str(out))
    assert rate == 24000
    estimate = engine.estimate_seconds(text)
    assert len(samples) / rate == pytest.approx(estimate, rel=0.05)
    assert "RTF" in result.stdout


def test_say_reports_a_missing_checkpoint_in_one_line(test_model, tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text(
        open(test_model["config"])
        .read()
        .replace("model.safetensors", "gone.safetensors")
        .replace("model.yaml", test_model["model"])
        .replace("vocab.txt", test_model["vocab"])
        .replace("vocoder_dir: vocoder", f"vocoder_dir: {test_model['vocoder']}")
        .replace("voices.yaml", test_model["voices"])
    )
    result = run(
        "ishowtts-say", "--text", "Hi.", "--config", str(config), "--out", str(tmp_path / "x.wav")
    )
    assert result.returncode == 3
    assert f"checkpoint file not found: {tmp_path / 'gone.safetensors'}" in result.stderr
    assert not (tmp_path / "x.wav").exists()


@pytest.mark.parametrize("where", ["missing_folder", "a_folder"])
def test_say_refuses_an_unwritable_out_before_loading_anything(test_model, tmp_path, where):
    out = tmp_path / "nowhere" / "x.wav" if where == "missing_folder" else tmp_path
    result = run(
        "ishowtts-say", "--text", "Hi.", "--config", test_model["config"], "--out", str(out)
    )
    assert result.returncode == 2
    assert f"cannot write --out {out}" in result.stderr and "Traceback" not in result.stderr
    assert "engine ready" not in result.stderr  # refused before the engine loaded


def test_say_prints_the_text_the_model_reads_without_loading_it(test_model):
    result = run(
        "ishowtts-say",
        "--text",
        "Battery at 23%. 电量剩余23%，距离目标3.5米。",
        "--config",
        test_model["config"],
        "--print-text",
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("voice test: ")
    spoken = " ".join(line.split(": ", 1)[1] for line in lines[1:])
    assert "twenty three percent" in spoken and "百分之二十三" in spoken and "三点五米" in spoken
    assert "engine ready" not in result.stderr  # the model was not loaded
