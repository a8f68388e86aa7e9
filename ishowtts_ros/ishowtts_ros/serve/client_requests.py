# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Requests a robot sends a server: one planned chunk to ``f5_tts``, or for the voices."""

from __future__ import annotations

import json
from typing import Optional

import numpy as np

from ishowtts_ros.serve.protocol import INPUTS, VOICES_MODEL


def _input(name: str, value):
    """One ``[1, 1]`` input of ``f5_tts`` (typed as the model declares it)."""
    import tritonclient.grpc as grpcclient
    from tritonclient.utils import np_to_triton_dtype

    dtype = INPUTS[name][0]
    array = np.array([[value]], dtype=np.object_ if dtype is np.bytes_ else dtype)
    item = grpcclient.InferInput(name, [1, 1], np_to_triton_dtype(array.dtype))
    item.set_data_from_numpy(array)
    return item


def chunk_request(
    chunk: str,
    voice: str,
    seed: int,
    nfe_step: Optional[int] = None,
    speed: Optional[float] = None,
) -> list:
    """Build the inputs saying ``chunk`` (planned by the robot) in the server's voice ``voice``."""
    inputs = [
        _input("reference_text", b""),
        _input("target_text", chunk.encode("utf-8")),
        _input("voice", voice.encode("utf-8")),
        _input("planned", True),
        _input("seed", seed),
    ]
    if nfe_step is not None:
        inputs.append(_input("nfe_step", nfe_step))
    if speed is not None:
        inputs.append(_input("speed", speed))
    return inputs


def clip_request(chunk: str, clip: np.ndarray, ref_text: str) -> list:
    """Build upstream's inputs: ``chunk`` in the voice of ``clip`` (24 kHz) saying ``ref_text``."""
    import tritonclient.grpc as grpcclient

    wav = grpcclient.InferInput("reference_wav", [1, len(clip)], "FP32")
    wav.set_data_from_numpy(clip.astype(np.float32)[None, :])
    return [
        wav,
        _input("reference_wav_len", len(clip)),
        _input("reference_text", ref_text.encode("utf-8")),
        _input("target_text", chunk.encode("utf-8")),
    ]


def listing_request() -> list:
    """Build the inputs of an ``f5_tts_voices`` request."""
    import tritonclient.grpc as grpcclient

    item = grpcclient.InferInput("request", [1, 1], "BYTES")
    item.set_data_from_numpy(np.array([[b"list"]], dtype=np.object_))
    return [item]


def voice_listing(client) -> dict:
    """Ask ``client``'s server for its voices (see :mod:`.speech_model`)."""
    result = client.infer(VOICES_MODEL, listing_request())
    return read_listing(result)


def read_listing(result) -> dict:
    return json.loads(result.as_numpy("voices").reshape(-1)[0])
