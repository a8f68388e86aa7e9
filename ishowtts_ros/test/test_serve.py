# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""``ishowtts-serve`` as a fleet meets it: upstream's own clients, ours, and hostile ones.

One real server process (PyTriton's Triton, loopback, free ports) for the module; the
engine it serves is compared with the same engine in this process.
"""

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
import soundfile
import yaml
from processes import run_command
from serving import infer, one_server_at_a_time, request, request_voices

from ishowtts_ros.bench.fleet import batch_counts

grpcclient = pytest.importorskip("tritonclient.grpc")
from tritonclient.utils import InferenceServerException  # noqa: E402

import f5_tts.model  # noqa: E402

# Upstream's Triton deployment and its clients, as the installed f5-tts ships them.
UPSTREAM = Path(f5_tts.model.__file__).parents[1] / "runtime" / "triton_trtllm"
SEED = 0  # the served config's: upstream's clients send none
TEXTS = [
    "Turn left at the door.",
    "The lift is on the right.",
    "Wait here please.",
    "Your parcel has arrived.",
]


@pytest.fixture(scope="module")
def served_config(test_model, tmp_path_factory):
    """Write the test model's engine config with a fixed seed, beside the original."""
    with open(test_model["config"]) as stream:
        config = yaml.safe_load(stream)
    config["seed"] = SEED
    path = os.path.join(os.path.dirname(test_model["config"]), "served.yaml")
    with open(path, "w") as stream:
        yaml.safe_dump(config, stream)
    return path


@pytest.fixture(scope="module")
def server(served_config, tmp_path_factory):
    from ishowtts_ros.serve.server_process import ServeProcess

    with one_server_at_a_time(tmp_path_factory):
        log = tmp_path_factory.mktemp("serve") / "serve.log"
        server = ServeProcess(served_config, str(log))
        try:
            server.wait_ready(timeout=300)
            yield server
        finally:
            assert server.stop() == 0, server.log()
            assert "Traceback" not in server.log().split("serving f5_tts")[0]


@pytest.fixture(scope="module")
def served(engine_config, served_config):
    """Load the engine the server runs, in this process."""
    from ishowtts_ros.engine import Engine, EngineConfig

    return Engine.load(EngineConfig.from_yaml(served_config).replace(device="cpu"))


@pytest.fixture(scope="module")
def clip(served, tmp_path_factory):
    """Write the test voice's prepared clip as a 24 kHz float WAV (as upstream's clients send)."""
    path = tmp_path_factory.mktemp("clip") / "voice24k.wav"
    soundfile.write(path, served.get_voice(None).reference.samples, 24000, subtype="FLOAT")
    return str(path)


def clip_voice(served, clip_path):
    samples, _ = soundfile.read(clip_path, dtype="float32")
    return served.voice_set.from_clip(samples, served.get_voice(None).spec.ref_text)


def max_error(a: np.ndarray, b: np.ndarray) -> float:
    assert a.shape == b.shape, (a.shape, b.shape)
    return float(np.max(np.abs(a - b)))


def test_upstreams_http_client_gets_the_local_engines_speech(server, served, clip, tmp_path):
    out = tmp_path / "http.wav"
    text = "I don't really care what you call me."
    result = run_command(
        [
            sys.executable,
            str(UPSTREAM / "client_http.py"),
            "--server-url",
            f"127.0.0.1:{server.http_port}",
            "--reference-audio",
            clip,
            "--reference-text",
            served.get_voice(None).spec.ref_text,
            "--target-text",
            text,
            "--output-audio",
            str(out),
        ],
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    got, _ = soundfile.read(out, dtype="float32")
    local_voice = clip_voice(served, clip)
    expected = served.synthesize(text, local_voice, seed=SEED, use_phrase_cache=False).samples
    # The client writes 16-bit PCM: one step is 1/32768.
    assert max_error(got, np.clip(expected, -1, 1)) <= 1e-4 + 1 / 32768


def test_upstreams_grpc_client_runs_its_manifest_with_four_tasks(server, served, clip, tmp_path):
    ref_text = served.get_voice(None).spec.ref_text
    manifest = tmp_path / "manifest.txt"
    lines = [f"utt{i}|{ref_text}|{clip}|{TEXTS[i % 4]} {i}" for i in range(8)]
    manifest.write_text("\n".join(lines) + "\n")
    result = run_command(
        [
            sys.executable,
            str(UPSTREAM / "client_grpc.py"),
            "--server-addr",
            "127.0.0.1",
            "--server-port",
            str(server.grpc_port),
            "--manifest-path",
            str(manifest),
            "--huggingface-dataset",
            "",
            "--num-tasks",
            "4",
            "--log-dir",
            str(tmp_path / "grpc"),
        ],
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "RTF" in result.stdout
    local_voice = clip_voice(served, clip)
    for i in range(8):
        got, _ = soundfile.read(tmp_path / "grpc" / f"utt{i}.wav", dtype="float32")
        text = f"{TEXTS[i % 4]} {i}"
        expected = served.synthesize(text, local_voice, seed=SEED, use_phrase_cache=False)
        assert max_error(got, np.clip(expected.samples, -1, 1)) <= 1e-4 + 1 / 32768
    # It read Triton's statistics: statistics stay open to clients.
    assert (tmp_path / "grpc" / "stats_summary-manifest.txt").exists()


def test_a_voice_id_with_settings_equals_the_local_engine(server, served):
    got = infer(
        server,
        TEXTS[0],
        voice=[[b"test"]],
        seed=np.array([[7]], dtype=np.int64),
        nfe_step=np.array([[16]], dtype=np.int32),
        speed=np.array([[1.2]], dtype=np.float32),
    )
    settings = served.settings.replace(seed=7, nfe_step=16, speed=np.float32(1.2).item())
    expected = served.synthesize(TEXTS[0], "test", settings=settings, use_phrase_cache=False)
    assert max_error(got, expected.samples) <= 1e-4


def test_concurrent_requests_each_equal_alone_and_triton_counts_the_batches(server, served):
    client = grpcclient.InferenceServerClient(server.grpc_url)
    before = batch_counts(client)

    def one(i):
        return infer(server, TEXTS[i % 4], voice=[[b"test"]], seed=np.array([[i]], np.int64))

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(one, range(8)))
    for i, got in enumerate(results):
        expected = served.synthesize(TEXTS[i % 4], "test", seed=i, use_phrase_cache=False)
        assert max_error(got, expected.samples) <= 1e-4
    after = batch_counts(client)
    client.close()
    formed = {size: after.get(size, 0) - before.get(size, 0) for size in after}
    assert sum(size * count for size, count in formed.items()) == 8
    print("batches formed (size: count):", {k: v for k, v in formed.items() if v})


@pytest.mark.parametrize(
    "name,extra,text",
    [
        ("target_text", {}, ""),
        ("target_text", {}, "x" * 100_000),
        ("reference_wav", {"reference_wav": np.zeros((1, 24000 * 600), np.float32)}, "Hi."),
        ("reference_wav", {"reference_wav": np.full((1, 24000), np.nan, np.float32)}, "Hi."),
        ("reference_wav", {"reference_wav": np.ones((1, 24000), np.int32)}, "Hi."),
        ("voice", {"voice": [[b"nobody"]]}, "Hi."),
        ("nfe_step", {"nfe_step": np.array([[100]], np.int32)}, "Hi."),
    ],
    ids=["empty", "100kB", "10min_clip", "nan_clip", "int_clip", "unknown_voice", "nfe_100"],
)
def test_hostile_inputs_are_refused_naming_the_input_and_the_next_request_is_answered(
    server, name, extra, text
):
    if "reference_wav" in extra:
        extra["reference_text"] = [[b"Some words."]]
    with pytest.raises(InferenceServerException) as refused:
        infer(server, text, **extra)
    assert name in str(refused.value)
    assert infer(server, TEXTS[2], voice=[[b"test"]]).size > 0


def test_model_control_needs_the_token_and_the_voices_are_listed(server, served):
    client = grpcclient.InferenceServerClient(server.grpc_url)
    try:
        with pytest.raises(InferenceServerException):
            client.unload_model("f5_tts")
        assert client.is_model_ready("f5_tts")
        listing = client.infer("f5_tts_voices", request_voices()).as_numpy("voices").reshape(-1)[0]
    finally:
        client.close()
    voices = json.loads(listing)
    assert voices["default"] == "test" and voices["sample_rate"] == 24000
    test_voice = voices["voices"]["test"]
    assert test_voice["ref_text"] == served.get_voice("test").spec.ref_text
    assert test_voice["seconds"] > 0


def test_the_server_binds_loopback_only(server):
    """Every socket the server's processes listen on is a loopback address."""
    pids = subprocess.run(
        ["pgrep", "-g", str(server.process.pid)], capture_output=True, text=True
    ).stdout.split()
    listening = subprocess.run(["ss", "-ltnp"], capture_output=True, text=True).stdout
    ours = [line for line in listening.splitlines() if any(f"pid={p}," in line for p in pids)]
    ports = " ".join(ours)
    assert f":{server.grpc_port} " in ports and f":{server.http_port} " in ports, listening
    # IPv4 loopback, also as gRPC's IPv4-mapped form [::ffff:127.0.0.1].
    assert all(" 127.0.0.1:" in line or "[::ffff:127.0.0.1]:" in line for line in ours), ours


def test_with_require_key_inference_needs_the_key(served_config, tmp_path_factory, tmp_path):
    from ishowtts_ros.serve.server_process import ServeProcess

    key = "fleet-secret-123"
    with one_server_at_a_time(tmp_path_factory):
        server = ServeProcess(
            served_config, str(tmp_path / "serve.log"), "--require-key", env_key=key
        )
        try:
            server.wait_ready(timeout=300)
            client = grpcclient.InferenceServerClient(server.grpc_url)
            with pytest.raises(InferenceServerException, match="triton-access-token"):
                client.infer("f5_tts", request(TEXTS[0], voice=[[b"test"]]))
            answer = client.infer(
                "f5_tts",
                request(TEXTS[0], voice=[[b"test"]]),
                headers={"triton-grpc-protocol-triton-access-token": key},
            )
            client.close()
            assert answer.as_numpy("waveform").size > 0
        finally:
            assert server.stop() == 0, server.log()
    assert key not in server.log()
