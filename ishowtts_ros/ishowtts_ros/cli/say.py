# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""``ishowtts-say --text "…" --out out.wav``: synthesize one text to a WAV file."""

from __future__ import annotations

import ishowtts_ros.entry  # noqa: F401  (first: our process's settings, before torch)

import argparse
import logging
import os
import sys
import time

from ishowtts_ros.engine.config import EngineConfig
from ishowtts_ros.engine.errors import EngineError, MissingFileError

EXIT_ERROR = 2
EXIT_MISSING_MODEL = 3  # model files absent: scripts can fall back to the test model


def unwritable(path: str) -> str:
    """Say why ``path`` cannot be written as a file ("" when it can)."""
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        return "it is a folder"
    if not os.path.isdir(folder):
        return f"no folder {folder}"
    if os.path.exists(path) and not os.access(path, os.W_OK):
        return "the file is not writable"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"folder {folder} is not writable"
    return ""


def print_text(args) -> int:
    """Show the words and chunks of ``args.text`` for the voice, without the model."""
    from ishowtts_ros.engine.loading import load_vocab
    from ishowtts_ros.engine.model_spec import load_model_spec
    from ishowtts_ros.engine.normalize import TextNormalizer
    from ishowtts_ros.engine.reference import ReferenceCache
    from ishowtts_ros.engine.text import prepare_ref_text
    from ishowtts_ros.engine.registry import load_voice_registry
    from ishowtts_ros.engine.text_plan import clause_context_seconds, text_chunks, words_for

    try:
        config = EngineConfig.from_yaml(args.config) if args.config else EngineConfig()
        specs = {spec.id: spec for spec in load_voice_registry(config.voices_file)}
        spec = specs[args.voice] if args.voice else next(iter(specs.values()))
        mel = load_model_spec(config.model).mel
        rate = int(mel["target_sample_rate"])
        reference = ReferenceCache(rate, config.target_rms, config.max_ref_seconds).get(
            spec.ref_audio
        )
        settings, normalizer = config.synthesis(), TextNormalizer()
        ref_text = prepare_ref_text(words_for(spec.ref_text, normalizer, settings))
        chunks = text_chunks(
            args.text,
            load_vocab(config.vocab_file),
            normalizer,
            settings,
            ref_text,
            reference.source_seconds,
            settings.speed * spec.speed,
            config.first_chunk_max_bytes,
            clause_context_seconds(config.buckets, int(mel["hop_length"]), rate),
        )
    except KeyError:
        print(f"ishowtts-say: error: unknown voice {args.voice!r}", file=sys.stderr)
        return EXIT_ERROR
    except (EngineError, ValueError, OSError) as exc:
        print(f"ishowtts-say: error: {exc}", file=sys.stderr)
        return EXIT_MISSING_MODEL if isinstance(exc, MissingFileError) else EXIT_ERROR
    print(f"voice {spec.id}: {len(chunks)} chunks")
    for index, chunk in enumerate(chunks, 1):
        print(f"{index}: {chunk}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="ishowtts-say", description="Speak a text into a 24 kHz mono WAV file."
    )
    parser.add_argument("--text", required=True, help="what to say")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", help="WAV file to write")
    target.add_argument(
        "--print-text",
        action="store_true",
        help="print the text the model would read (words, chunks) and stop; no model needed",
    )
    parser.add_argument(
        "--voice", default=None, help="voice id (default: the first of the registry)"
    )
    parser.add_argument(
        "--config", default=None, help="engine config YAML (default: built-in defaults)"
    )
    parser.add_argument(
        "--seed", type=int, default=None, help="noise seed (default: the config's)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if args.print_text:
        return print_text(args)

    problem = unwritable(args.out)
    if problem:  # before minutes of loading and synthesis
        print(f"ishowtts-say: error: cannot write --out {args.out}: {problem}", file=sys.stderr)
        return EXIT_ERROR

    from ishowtts_ros.audio.wav import write_wav
    from ishowtts_ros.engine import Engine

    try:
        config = EngineConfig.from_yaml(args.config) if args.config else EngineConfig()
        started = time.perf_counter()
        engine = Engine.load(config)
        load_s = time.perf_counter() - started
        estimate = engine.estimate_seconds(args.text, args.voice)
        audio = engine.synthesize(args.text, args.voice, seed=args.seed)
    except (EngineError, ValueError, OSError) as exc:
        print(f"ishowtts-say: error: {exc}", file=sys.stderr)
        return EXIT_MISSING_MODEL if isinstance(exc, MissingFileError) else EXIT_ERROR
    write_wav(args.out, audio.samples, audio.sample_rate)
    print(
        f"wrote {args.out}: {audio.seconds:.2f} s of audio (estimated {estimate:.2f} s), "
        f"synthesis {audio.synthesis_s:.2f} s, RTF {audio.synthesis_s / audio.seconds:.3f}, "
        f"load {load_s:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
