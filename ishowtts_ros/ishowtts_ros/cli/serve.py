# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""``ishowtts-serve``: the engine in Triton Inference Server, with upstream F5-TTS's interface.

Serves model ``f5_tts`` exactly as upstream's Triton deployment declares it (its own
``client_http.py`` and ``client_grpc.py`` work unchanged), plus optional inputs ``voice``,
``nfe_step``, ``seed`` and ``speed`` (see :mod:`ishowtts_ros.serve.protocol`), and model
``f5_tts_voices`` that lists the server's voices as JSON. Requests of a batch formed by
Triton's dynamic batcher run as one batch. Binds to loopback unless told otherwise:

    ishowtts-serve --config engine.yaml [--voices voices.yaml] [--host 127.0.0.1]
        [--http-port 8000] [--grpc-port 8001] [--max-batch 4]

Model control, shared memory, tracing and logging need an access token (one of its own
per start, or ``ISHOWTTS_SERVE_KEY``); with ``--require-key``, inference needs it too
(HTTP header ``triton-access-token``; gRPC ``triton-grpc-protocol-triton-access-token``).
``--log-verbose 1`` has Triton log each request, and each one a client cancelled.
"""

from __future__ import annotations

import ishowtts_ros.entry  # noqa: F401  (first: our process's settings, before torch)

import argparse
import logging
import os
import signal
import sys
import sysconfig

from ishowtts_ros.serve.protocol import (
    INPUTS,
    KEY_ENV,
    MODEL_NAME,
    OUTPUTS,
    VOICES_MODEL,
    Limits,
)
from ishowtts_ros.speech.memory import bound_memory_caches

LOG = logging.getLogger("ishowtts-serve")
BATCH_DELAY_US = 1000  # upstream's max_queue_delay_microseconds
# Endpoints that need the access token; statistics stay open (upstream's client reads them).
RESTRICTED = ["shared-memory", "model-repository", "trace", "logging"]
EXIT_TIMEOUT_S = 5  # a stop waits this long for requests in flight (Triton's default: 30)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ishowtts-serve", description=__doc__.split("\n")[0])
    parser.add_argument("--config", required=True, help="engine config YAML")
    parser.add_argument("--voices", default="", help="voice registry YAML (default: the config's)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback)")
    parser.add_argument("--http-port", type=int, default=8000)
    parser.add_argument("--grpc-port", type=int, default=8001)
    parser.add_argument(
        "--max-batch", type=int, default=4, help="requests per batch (1 = no batching)"
    )
    parser.add_argument("--max-chars", type=int, default=Limits.max_chars)
    parser.add_argument(
        "--require-key",
        action="store_true",
        help=f"inference needs the access token too (set it in {KEY_ENV})",
    )
    parser.add_argument(
        "--log-verbose",
        type=int,
        default=0,
        help="Triton's verbose log level: 1 logs each request (and each cancellation)",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.max_batch <= 64:
        parser.error(f"--max-batch {args.max_batch}: between 1 and 64")
    if args.require_key and not os.environ.get(KEY_ENV):
        parser.error(f"--require-key: set the key in {KEY_ENV}")
    return args


def python_library_path() -> None:
    """Let Triton's Python backend stub find ``libpython3.X.so`` (pyenv keeps it in LIBDIR)."""
    libdir = sysconfig.get_config_var("LIBDIR") or ""
    paths = [p for p in os.environ.get("LD_LIBRARY_PATH", "").split(":") if p]
    if libdir and libdir not in paths:
        os.environ["LD_LIBRARY_PATH"] = ":".join([libdir, *paths])


def tensors(spec: dict):
    from pytriton.model_config import Tensor

    return [
        Tensor(name=name, dtype=dtype, shape=shape, optional=rest[0] if rest else False)
        for name, (dtype, shape, *rest) in spec.items()
    ]


def serve(args, model) -> None:
    """Start Triton with the two models bound; return when it stops (a signal)."""
    import numpy as np
    from pytriton.model_config import DynamicBatcher, ModelConfig, Tensor
    from pytriton.triton import Triton, TritonConfig, TritonSecurityConfig

    python_library_path()
    config = TritonConfig(
        http_address=args.host,
        http_port=args.http_port,
        grpc_address=args.host,
        grpc_port=args.grpc_port,
        allow_metrics=False,
        exit_timeout_secs=EXIT_TIMEOUT_S,
        log_verbose=args.log_verbose,
    )
    restricted = RESTRICTED + (["inference"] if args.require_key else [])
    security = TritonSecurityConfig(
        access_token=os.environ.get(KEY_ENV) or None, restricted_endpoints=restricted
    )
    with Triton(config=config, security_config=security) as triton:
        triton.bind(
            model_name=MODEL_NAME,
            infer_func=model.infer,
            inputs=tensors(INPUTS),
            outputs=tensors(OUTPUTS),
            config=ModelConfig(
                max_batch_size=args.max_batch,
                batcher=DynamicBatcher(max_queue_delay_microseconds=BATCH_DELAY_US),
            ),
            strict=True,
        )
        triton.bind(
            model_name=VOICES_MODEL,
            infer_func=model.voices,
            inputs=[Tensor(name="request", dtype=np.bytes_, shape=(1,))],
            outputs=[Tensor(name="voices", dtype=np.bytes_, shape=(1,))],
            config=ModelConfig(max_batch_size=1),
        )
        LOG.info(
            "serving %s on grpc://%s:%d and http://%s:%d (batches up to %d)",
            MODEL_NAME,
            args.host,
            args.grpc_port,
            args.host,
            args.http_port,
            args.max_batch,
        )
        triton.serve()


def main(argv=None) -> int:
    args = parse_args(argv)
    bound_memory_caches()  # before torch loads: a server runs for months
    logging.basicConfig(level=logging.INFO, format="ishowtts-serve: %(message)s")
    from ishowtts_ros.engine import Engine, EngineConfig, EngineError
    from ishowtts_ros.serve.speech_model import SpeechModel

    try:
        config = EngineConfig.from_yaml(args.config)
        if args.voices:
            config = config.replace(voices_file=os.path.abspath(args.voices))
        engine = Engine.load(config)
        engine.warm_up()
    except (EngineError, ValueError, OSError) as exc:
        print(f"ishowtts-serve: error: {exc}", file=sys.stderr)
        return 2
    LOG.info("voices: %s", ", ".join(engine.voices) or "none")
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stops as SIGINT does
    serve(args, SpeechModel(engine, Limits(max_chars=args.max_chars)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
