# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The ``f5_tts`` model's interface: upstream's Triton inputs and output, and ours beside.

Upstream (``f5_tts/runtime/triton_trtllm/model_repo_f5_tts/f5_tts/config.pbtxt``):
``reference_wav`` FP32 [-1] and ``reference_wav_len`` INT32 [1] (optional),
``reference_text`` and ``target_text`` BYTES [1]; output ``waveform`` FP32 [-1] at 24 kHz.
Ours, all optional: ``voice`` (a voice id of the server's voices, instead of a clip),
``nfe_step``, ``seed``, ``speed``, and ``planned`` (true: the text is a chunk the client
planned, as a robot does; it is not made shorter as an utterance's first chunk is).
Shapes here leave out the batch dimension.

A request is read and checked here, without torch: :func:`read_request` raises
:class:`BadInput` naming the input and what is wrong with it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Dict, Optional

import numpy as np

MODEL_NAME = "f5_tts"
SAMPLE_RATE = 24_000
# name: (numpy dtype, shape, optional)
INPUTS = {
    "reference_wav": (np.float32, (-1,), True),
    "reference_wav_len": (np.int32, (1,), True),
    "reference_text": (np.bytes_, (1,), False),
    "target_text": (np.bytes_, (1,), False),
    "voice": (np.bytes_, (1,), True),
    "nfe_step": (np.int32, (1,), True),
    "seed": (np.int64, (1,), True),
    "speed": (np.float32, (1,), True),
    "planned": (np.bool_, (1,), True),
}
OUTPUTS = {"waveform": (np.float32, (-1,))}
VOICES_MODEL = "f5_tts_voices"
KEY_ENV = "ISHOWTTS_SERVE_KEY"  # the shared key, for the server and its robots alike
GRPC_KEY_HEADER = "triton-grpc-protocol-triton-access-token"  # Triton's, for gRPC


class BadInput(ValueError):
    """A request input that cannot be used; the message names it."""


@dataclass(frozen=True)
class Limits:
    """What one request may hold (the server's bounds: it may face any client)."""

    max_chars: int = 2000
    max_reference_s: float = 30.0
    min_reference_s: float = 0.3


@dataclass(frozen=True)
class SpeechRequest:
    """One request, read and checked: what to say, in which voice, with which settings."""

    target_text: str
    reference_text: str = ""
    reference_wav: Optional[np.ndarray] = None
    """A clip at 24 kHz, float32 in [-1, 1], cut to ``reference_wav_len``; or None."""
    voice: str = ""
    """A voice id of the server's; "" = the clip, or the default voice without one."""
    settings: Dict[str, float] = field(default_factory=dict)
    """nfe_step, seed, speed: those the request set (checked by the engine's ranges)."""
    planned: bool = False


def _text(inputs: dict, name: str, limit: int) -> str:
    value = inputs.get(name)
    if value is None:
        return ""
    raw = np.asarray(value).reshape(-1)
    if raw.size != 1:
        raise BadInput(f"{name}: one string expected, got {raw.size}")
    item = raw[0]
    if isinstance(item, str):
        item = item.encode("utf-8")
    if not isinstance(item, bytes):
        raise BadInput(f"{name}: bytes expected, got {type(item).__name__}")
    if len(item) > 4 * limit:  # before decoding: a 100 kB text costs nothing to refuse
        raise BadInput(f"{name}: {len(item)} bytes; at most {limit} characters are accepted")
    try:
        text = item.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(f"{name}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    if len(text) > limit:
        raise BadInput(f"{name}: {len(text)} characters; at most {limit} are accepted")
    return text


def _scalar(inputs: dict, name: str):
    value = inputs.get(name)
    if value is None:
        return None
    raw = np.asarray(value).reshape(-1)
    if raw.size != 1:
        raise BadInput(f"{name}: one value expected, got {raw.size}")
    number = raw[0].item()
    if isinstance(number, float) and not math.isfinite(number):
        raise BadInput(f"{name}: {number} is not a finite number")
    return number


def _reference(inputs: dict, limits: Limits) -> Optional[np.ndarray]:
    wav = inputs.get("reference_wav")
    if wav is None:
        return None
    wav = np.asarray(wav)
    if wav.dtype != np.float32:
        raise BadInput(f"reference_wav: FP32 expected, got {wav.dtype}")
    wav = wav.reshape(-1)
    max_samples = int(limits.max_reference_s * SAMPLE_RATE)
    length = _scalar(inputs, "reference_wav_len")
    length = wav.size if length is None else int(length)
    if not 0 < length <= wav.size:
        raise BadInput(f"reference_wav_len: {length} outside 1..{wav.size} (the clip's samples)")
    if length > max_samples:
        raise BadInput(
            f"reference_wav: {length / SAMPLE_RATE:.1f} s at 24 kHz; "
            f"at most {limits.max_reference_s:g} s are accepted"
        )
    if length < limits.min_reference_s * SAMPLE_RATE:
        raise BadInput(
            f"reference_wav: {length / SAMPLE_RATE:.2f} s; "
            f"at least {limits.min_reference_s:g} s of speech is needed"
        )
    wav = wav[:length]
    if not np.all(np.isfinite(wav)):
        raise BadInput("reference_wav: holds NaN or infinite samples")
    if float(np.max(np.abs(wav))) == 0.0:
        raise BadInput("reference_wav: silent (all samples are zero)")
    return np.clip(wav, -1.0, 1.0)


def read_request(inputs: Dict[str, np.ndarray], limits: Optional[Limits] = None) -> SpeechRequest:
    """Read one request's inputs (arrays with or without the batch dimension)."""
    limits = limits or Limits()
    unknown = sorted(set(inputs) - set(INPUTS))
    if unknown:
        raise BadInput(f"{unknown[0]}: not an input of {MODEL_NAME}")
    target = _text(inputs, "target_text", limits.max_chars)
    if not target.strip():
        raise BadInput("target_text: empty; nothing to say")
    reference_wav = _reference(inputs, limits)
    reference_text = _text(inputs, "reference_text", limits.max_chars)
    voice = _text(inputs, "voice", 200)
    if reference_wav is not None and voice:
        raise BadInput("voice: give a voice id or reference_wav, not both")
    if reference_wav is not None and not reference_text.strip():
        raise BadInput("reference_text: empty; a reference clip needs what it says")
    settings = {}
    for name in ("nfe_step", "seed", "speed"):
        value = _scalar(inputs, name)
        if value is not None:
            settings[name] = value
    planned = bool(_scalar(inputs, "planned") or False)
    return SpeechRequest(target, reference_text, reference_wav, voice, settings, planned)
