#!/usr/bin/env bash
# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT
# GPU check: the upstream parity tests on CUDA, then fp16 + torch.compile engine against
# upstream f5-tts on the F5TTS_v1_Base architecture with random weights.
#
#   here (with network):  bash scripts/gpu_check.sh --download   # wheels into .whl/
#   on the CUDA machine:  bash scripts/gpu_check.sh [OUT_DIR] [STAGE...] [--compare-modes]
#
# Stages, in the order given (default: parity bench-none bench-auto): parity (the
# upstream parity tests on CUDA), bench-none (eager, against upstream, every analysis),
# bench-auto (what tts_node runs: compile auto, the shipped buckets, warmed up on the
# thread that synthesises; first request per bucket and per kind, profile), bench-<compile
# mode> (compiled, one bucket), compare-modes (--compare-modes: default, reduce-overhead and
# max-autotune on the shipped buckets, side by side: what compile auto picks by the GPU's
# size, against the others). Each stage has its own time limit (PARITY_S, BENCH_NONE_S,
# BENCH_COMPILED_S, BENCH_MODE_S), and a stage that fails or runs out of time does not stop
# the next. Every log lands in OUT_DIR.
# The CUDA machine needs a stock PyTorch with CUDA and the carried .whl/ folder.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--download" ]; then
  mkdir -p .whl
  for spec in $(grep -vE '^\s*(#|$)' scripts/gpu_wheels.txt); do
    python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
      --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
      -d .whl "$spec" 2>/dev/null ||
      python3 -m pip wheel -q --no-deps -w .whl "$spec"  # pure-Python sdists (antlr4 4.9.3)
  done
  du -sh .whl
  exit 0
fi
compare=""
args=()
for arg in "$@"; do
  if [ "$arg" = --compare-modes ]; then compare=compare-modes; else args+=("$arg"); fi
done
OUT=${args[0]:-${OUT:-gpu-results}}
STAGES="${args[*]:1}"
STAGES="${STAGES:-parity bench-none bench-auto} $compare"
mkdir -p "$OUT"
python3 -m pip install -q --no-index --no-deps --no-compile --upgrade --target /tmp/site .whl/*.whl \
  || { echo "gpu_check: wheel install failed" >&2; exit 2; }
export PYTHONPATH="$PWD/ishowtts_ros:/tmp/site${PYTHONPATH:+:$PYTHONPATH}" HF_HUB_OFFLINE=1 PYTHONUNBUFFERED=1
python3 -c 'import torch; print("torch", torch.__version__, torch.cuda.get_device_name(),
  "cc", torch.cuda.get_device_capability())' 2>&1 | tee "$OUT/device.txt"
# Everything the stages import, at once: a missing wheel ends the check in seconds.
python3 -W ignore -c 'import soundfile, pydub, vocos, f5_tts.model, f5_tts.infer.utils_infer
import ishowtts_ros.engine, ishowtts_ros.bench.cli' || { echo "gpu_check: imports failed" >&2; exit 3; }

stage() {  # NAME SECONDS COMMAND...: run with a limit, log to OUT/NAME.log
  local name=$1 limit=$2 started=$SECONDS
  shift 2
  echo "== $name (limit ${limit} s)"
  timeout "$limit" "$@" > "$OUT/$name.log" 2>&1
  local rc=$?
  grep -v -i -E 'warn|^\s*$|AUTOTUNE|triton_|SingleProcess' "$OUT/$name.log" | tail -40
  echo "== $name: exit $rc after $((SECONDS - started)) s"
}

bench() {  # NAME SECONDS ARGS...: the F5TTS_v1_Base-sized random model, fp16, NFE 7
  local name=$1 limit=$2
  shift 2
  stage "$name" "$limit" python3 -m ishowtts_ros.bench --random-weights --arch F5TTS_v1_Base \
    --dtype auto --work-dir /tmp/bench --json "$OUT/$name.json" "$@"
}

for name in $STAGES; do
  case $name in
    parity)
      ISHOWTTS_TEST_DEVICE=cuda stage parity "${PARITY_S:-60}" python3 -m pytest -q -s \
        -p no:cacheprovider ishowtts_ros/test/test_parity.py -k "matches_upstream or noise or seed" ;;
    bench-none)  # eager, against upstream, with every analysis
      bench bench-none "${BENCH_NONE_S:-100}" --compile none --runs 5 --warmup 1 \
        --paragraph-runs 2 --compare-upstream --precision --recompiles --profile --flop-floor \
        --phrase-cache ;;
    bench-auto)  # the node's own path: compile auto, the shipped buckets
      bench bench-auto "${BENCH_AUTO_S:-420}" --compile auto --runs 5 --warmup 1 \
        --first-requests --bucket-requests --recompiles 20 --profile --compare-upstream ;;
    compare-modes)
      for mode in default reduce-overhead max-autotune; do
        bench "mode-$mode" "${BENCH_MODE_S:-180}" --compile "$mode" --runs 3 --warmup 1 \
          --short-runs 3 --paragraph-runs 1
      done
      python3 - "$OUT" <<'TABLE'
import json, os, sys
print(f"{'compile':<16} {'warm-up s':>9} {'compiling s':>11} {'RTF median':>10}")
for mode in ("default", "reduce-overhead", "max-autotune"):
    path = os.path.join(sys.argv[1], f"mode-{mode}.json")
    if not os.path.exists(path):
        print(f"{mode:<16} no result (see mode-{mode}.log)")
        continue
    with open(path) as stream:
        r = json.load(stream)
    rtf = r["engine"]["rtf"]["median"]
    print(f"{mode:<16} {r['warmup_s']:>9.1f} {r['compile_s']:>11.1f} {rtf:>10.3f}")
TABLE
      ;;
    bench-*)  # compiled: one bucket that holds every benchmark text (ref + chunk <= 2560)
      bench "$name" "${BENCH_COMPILED_S:-110}" --compile "${name#bench-}" --buckets 2560 \
        --runs 3 --warmup 1 --paragraph-runs 2 --recompiles --profile --flop-floor ;;
    *) echo "gpu_check: unknown stage $name" >&2 ;;
  esac
done
