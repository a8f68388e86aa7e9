#!/usr/bin/env bash
# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT
# GPU check: fp16 + torch.compile engine against upstream f5-tts at the same NFE and at its
# defaults, on the F5TTS_v1_Base architecture with random weights and the reference text.
#
#   here (with network):  bash scripts/gpu_check.sh --download   # wheels into .whl/
#   on the CUDA machine:  bash scripts/gpu_check.sh [OUT_DIR] [compile modes...]
#
# The CUDA machine needs a stock PyTorch with CUDA and the carried .whl/ folder.
set -euo pipefail
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
OUT=${1:-${OUT:-gpu-results}}
shift || true
MODES=${*:-"max-autotune reduce-overhead default none"}
mkdir -p "$OUT"
python3 -m pip install -q --no-index --no-deps --no-compile --upgrade --target /tmp/site .whl/*.whl
export PYTHONPATH="$PWD:/tmp/site${PYTHONPATH:+:$PYTHONPATH}" HF_HUB_OFFLINE=1 PYTHONUNBUFFERED=1
python3 -c 'import torch; print("torch", torch.__version__, torch.cuda.get_device_name())'
python3 -m pytest -q -p no:cacheprovider test/test_parity.py test/test_optimize.py 2>&1 | tail -3 || true
first=1
for mode in $MODES; do
  extra=()
  [ $first = 1 ] && extra=(--compare-upstream) && first=0   # upstream once: it does not compile
  timeout 240 python3 -m ishowtts_ros.bench --random-weights --arch F5TTS_v1_Base --runs 5 --warmup 1 \
    --compile "$mode" --dtype auto --work-dir /tmp/bench --json "$OUT/bench-$mode.json" "${extra[@]}" \
    2>&1 | grep -v -i warning | tail -16 || echo "mode $mode: did not finish in time"
done
