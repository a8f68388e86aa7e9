#!/usr/bin/env bash
# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT
# The main job: say a sentence into a WAV file (after scripts/setup.sh).
#
#   bash scripts/demo.sh ["text to say"] [out.wav]
#
# Uses config/engine.yaml (or $ISHOWTTS_ENGINE_CONFIG): the real F5TTS_v1_Base weights,
# downloaded when HF_HUB_OFFLINE=0 and the hub answers. When they are absent, it says so
# in one line and runs the same engine on a small random-weight test model instead.
set -euo pipefail
cd "$(dirname "$0")/.."
. .venv/bin/activate
export HF_HUB_OFFLINE=${HF_HUB_OFFLINE:-1}
TEXT=${1:-"Hello! I am your robot. This is how I sound."}
OUT=${2:-hello.wav}
CONFIG=${ISHOWTTS_ENGINE_CONFIG:-config/engine.yaml}

rc=0
ishowtts-say --config "$CONFIG" --text "$TEXT" --out "$OUT" || rc=$?
[ $rc -eq 3 ] || exit $rc  # 3: model files missing

echo "demo: real F5-TTS weights not found; set ckpt_file/vocoder_dir in $CONFIG (or HF_HUB_OFFLINE=0 to download). Now the same pipeline on the small random-weight test model (it speaks noise, not words):"
ishowtts-make-test-model build/test_model >/dev/null
exec ishowtts-say --config build/test_model/config.yaml --text "$TEXT" --out "$OUT"
