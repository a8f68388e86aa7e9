# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Tests and a server: they take turns (PyTriton runs one per machine); clients' helpers."""

import contextlib
import fcntl
import threading

import numpy as np

_held = threading.local()  # how deep this thread already holds the lock


@contextlib.contextmanager
def one_server_at_a_time(tmp_path_factory):
    """Hold the lock file every worker of the test run shares while a server is up.

    Reentrant: a test that starts a second server beside its module's own goes on.
    """
    depth = getattr(_held, "depth", 0)
    if depth:
        _held.depth = depth + 1
        try:
            yield
        finally:
            _held.depth = depth
        return
    path = tmp_path_factory.getbasetemp().parent / "ishowtts-serve.lock"
    with open(path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _held.depth = 1
        try:
            yield
        finally:
            _held.depth = 0
            fcntl.flock(lock, fcntl.LOCK_UN)


def request(text: str, **extra) -> list:
    """Build an ``f5_tts`` request: ``target_text`` and any other inputs, typed by kind."""
    import tritonclient.grpc as grpcclient

    inputs = []
    arrays = {"reference_text": [[b""]], "target_text": [[text.encode()]]}
    arrays.update(extra)
    for name, value in arrays.items():
        array = np.asarray(value)
        if array.dtype.kind in "OSU":
            array = array.astype(np.object_)
        dtype = {"O": "BYTES", "f": "FP32", "i": "INT32"}[array.dtype.kind]
        if array.dtype == np.int64:
            dtype = "INT64"
        item = grpcclient.InferInput(name, list(array.shape), dtype)
        item.set_data_from_numpy(array)
        inputs.append(item)
    return inputs


def infer(server, text: str, **extra) -> np.ndarray:
    """Send one request to ``server``; return its waveform."""
    import tritonclient.grpc as grpcclient

    client = grpcclient.InferenceServerClient(server.grpc_url)
    try:
        result = client.infer("f5_tts", request(text, **extra))
        return result.as_numpy("waveform").reshape(-1)
    finally:
        client.close()


def request_voices() -> list:
    """Build an ``f5_tts_voices`` request."""
    import tritonclient.grpc as grpcclient

    item = grpcclient.InferInput("request", [1, 1], "BYTES")
    item.set_data_from_numpy(np.array([[b"list"]], dtype=np.object_))
    return [item]


def url(served) -> str:
    return f"grpc://{served['server'].grpc_url}"


def served_requests(served) -> int:  # the module's holder, or a ServeProcess
    """Count the requests the server's ``f5_tts`` answered (Triton's statistics)."""
    import tritonclient.grpc as grpcclient

    server = served["server"] if isinstance(served, dict) else served
    client = grpcclient.InferenceServerClient(server.grpc_url)
    try:
        [model] = client.get_inference_statistics("f5_tts", as_json=True)["model_stats"]
        return int(model.get("inference_count", 0))
    finally:
        client.close()


def remote_seconds(node, text: str) -> float:
    """Seconds of speech the server makes of ``text``'s planned chunks, cross-faded."""
    from ishowtts_ros.engine.joining import joined_length

    plans = node.engine.plan(text)
    lengths = [(plan.duration - plan.ref_frames) * node.engine.hop_length for plan in plans]
    fade = int(node.engine_config.cross_fade_s * 24000)
    return joined_length(lengths, fade) / 24000
