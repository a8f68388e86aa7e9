# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Upstream f5-tts's own inference path, on the same files the engine loads."""

from __future__ import annotations

import contextlib
import io
from typing import Tuple

import numpy as np
import soundfile
import torch

from ishowtts_ros.engine.model_spec import load_model_spec


class UpstreamRunner:
    """Run ``F5TTS.infer`` step by step.

    ``load_model``/``load_vocoder`` once, then per call ``preprocess_ref_audio_text`` and
    ``infer_batch_process`` with ``infer_process``'s chunking.

    ``infer_process`` itself reads the reference through ``torchaudio.load``, which needs
    FFmpeg's shared libraries; the same file is read with soundfile here instead.
    """

    def __init__(self, model: str, ckpt_file: str, vocab_file: str, vocoder_dir: str, device: str):
        import f5_tts.model as f5_model
        from f5_tts.infer.utils_infer import load_model, load_vocoder

        spec = load_model_spec(model)
        self.device = device
        with contextlib.redirect_stdout(io.StringIO()):  # upstream prints as it loads
            self.model = load_model(
                getattr(f5_model, spec.backbone),
                spec.arch,
                ckpt_file,
                mel_spec_type="vocos",
                vocab_file=vocab_file,
                device=device,
            )
            self.vocoder = load_vocoder(
                "vocos", is_local=True, local_path=vocoder_dir, device=device
            )

    @property
    def dtype(self) -> torch.dtype:
        return next(self.model.parameters()).dtype

    def synthesize(
        self, ref_file: str, ref_text: str, text: str, nfe_step: int, seed: int
    ) -> Tuple[np.ndarray, int]:
        """Speak ``text`` as ``F5TTS.infer`` would (cfg 2, sway -1, speed 1, cross-fade 0.15 s).

        Returns the samples and their rate.
        """
        from f5_tts.infer.utils_infer import (
            chunk_text,
            infer_batch_process,
            preprocess_ref_audio_text,
        )

        torch.manual_seed(seed)  # F5TTS.infer seeds the global generators
        with contextlib.redirect_stdout(io.StringIO()):
            ref_file, ref_text = preprocess_ref_audio_text(
                ref_file, ref_text, show_info=lambda *_: None
            )
            samples, rate = soundfile.read(ref_file, dtype="float32", always_2d=True)
            audio = torch.from_numpy(samples.T.copy())
            seconds = audio.shape[-1] / rate
            max_chars = int(len(ref_text.encode("utf-8")) / seconds * (22 - seconds))
            wave, wave_rate, _ = next(
                infer_batch_process(
                    (audio, rate),
                    ref_text,
                    chunk_text(text, max_chars=max_chars),
                    self.model,
                    self.vocoder,
                    nfe_step=nfe_step,
                    cfg_strength=2.0,
                    sway_sampling_coef=-1.0,
                    speed=1.0,
                    progress=None,
                    device=self.device,
                )
            )
        return wave, wave_rate
