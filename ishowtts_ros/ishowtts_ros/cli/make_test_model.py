# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""``ishowtts-make-test-model OUT_DIR``: write a small random-weight model folder."""

from __future__ import annotations

import ishowtts_ros.entry  # noqa: F401  (first: our process's settings, before torch)

import argparse
import sys
import time


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="ishowtts-make-test-model",
        description="Write a small random-weight F5-TTS model, vocoder, voice and configs.",
    )
    parser.add_argument("out_dir", help="folder to write (created when missing)")
    parser.add_argument("--dim", type=int, default=64, help="transformer width (default 64)")
    parser.add_argument("--depth", type=int, default=2, help="transformer blocks (default 2)")
    parser.add_argument("--heads", type=int, default=2, help="attention heads (default 2)")
    parser.add_argument("--seed", type=int, default=0, help="weight seed (default 0)")
    args = parser.parse_args(argv)
    for name in ("dim", "depth", "heads"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1, got {getattr(args, name)}")
    if args.dim % args.heads:
        parser.error(f"--dim must be a multiple of --heads, got {args.dim} and {args.heads}")

    from ishowtts_ros.engine.random_model import write_random_model

    started = time.perf_counter()
    paths = write_random_model(
        args.out_dir, dim=args.dim, depth=args.depth, heads=args.heads, seed=args.seed
    )
    print(f"wrote test model to {args.out_dir} in {time.perf_counter() - started:.1f} s")
    print(f"engine config: {paths['config']}")
    print(f"tts_node params: {paths['params']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
