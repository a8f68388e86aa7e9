# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Several one-chunk requests through the flow at once: a server's dynamic batch.

Each request keeps its own voice, text, length, seed and guidance strength: the batch is
padded to its longest sequence and masked as the compiled step pads one (see
:mod:`.dit_step`), each text embedding is computed at its own length, and each noise is
drawn from its own generator. So a request's result equals the same request run alone
(to float rounding). Requests batch together when they share the timesteps (NFE, sway,
guided steps) and the length bucket; :func:`batch_groups` picks them.

Shapes: b = requests, n = padded frames, d = mel bins.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Dict, Hashable, List, Sequence, Union

import numpy as np
import torch

from ishowtts_ros.engine import dit_step
from ishowtts_ros.engine.config import DEFAULT_BUCKETS, SynthesisSettings
from ishowtts_ros.engine.errors import EngineError
from ishowtts_ros.engine.planning import ChunkPlan
from ishowtts_ros.engine.sampling import initial_noise, timesteps
from ishowtts_ros.engine.voices import Voice


@dataclass
class SpeechJob:
    """One request of a batch: a text to say whole, in a voice, with its settings."""

    text: str
    voice: Voice
    settings: SynthesisSettings
    planned: bool = False
    """The text is a chunk a client planned: no short first chunk is split off it."""


@dataclass
class BatchItem:
    """One request's chunk, planned, with the generator its noise comes from."""

    voice: Voice
    plan: ChunkPlan
    settings: SynthesisSettings
    generator: torch.Generator


def guided_steps(settings: SynthesisSettings) -> List[bool]:
    """Whether each step runs the guided pass (as :meth:`FlowSampler.sample` decides)."""
    guided = settings.nfe_step if settings.cfg_steps < 0 else settings.cfg_steps
    strong = settings.cfg_strength >= 1e-5
    return [step < guided and strong for step in range(settings.nfe_step)]


def batch_groups(items: Sequence[BatchItem], buckets: Sequence[int]) -> List[List[int]]:
    """Group the indices of ``items`` that can run as one batch.

    Same timesteps and passes, and the same bucket of ``buckets`` (lengths): a batch is
    padded to its longest, so a short chunk never waits for a much longer one.
    """
    groups: Dict[Hashable, List[int]] = {}
    for index, item in enumerate(items):
        bucket = next((b for b in sorted(buckets) if b >= item.plan.duration), None)
        key = (item.settings.sway_sampling_coef, tuple(guided_steps(item.settings)), bucket)
        groups.setdefault(key, []).append(index)
    return list(groups.values())


@torch.inference_mode()
def sample_batch(
    transformer, items: Sequence[BatchItem], tokens: Sequence[torch.Tensor], noise_dtype
) -> List[torch.Tensor]:
    """Integrate the flow for ``items`` (one group) at once; return each generated mel.

    ``tokens[i]`` holds item i's token ids ``[1, nt]`` on the model's device. Returns
    ``[1, d, frames]`` per item, the reference cut off, as :meth:`ModelCall.mel` does.
    """
    dit_step.enable_attention_masks(transformer)
    first = items[0]
    device, dtype = first.voice.mel.device, first.voice.mel.dtype
    length = max(item.plan.duration for item in items)
    conds, noises, text_conds, text_unconds, masks = [], [], [], [], []
    for item, text in zip(items, tokens, strict=True):
        duration = item.plan.duration
        pad = (0, 0, 0, length - item.voice.mel.shape[1])
        conds.append(torch.nn.functional.pad(item.voice.mel, pad))
        noise = initial_noise(duration, item.voice.mel.shape[-1], item.generator, noise_dtype)
        noises.append(torch.nn.functional.pad(noise.to(dtype), (0, 0, 0, length - duration)))
        text_cond, text_uncond = dit_step.text_embeddings(transformer, text, duration, length)
        text_conds.append(text_cond)
        text_unconds.append(text_uncond)
        masks.append((torch.arange(length, device=device) < duration)[None, :])
    cond, y = torch.cat(conds), torch.cat(noises)
    text_cond, text_uncond, mask = torch.cat(text_conds), torch.cat(text_unconds), torch.cat(masks)
    strength = torch.tensor(
        [item.settings.cfg_strength for item in items], device=device, dtype=dtype
    ).view(-1, 1, 1)
    settings = first.settings
    t = timesteps(settings.nfe_step, settings.sway_sampling_coef, device, dtype)
    for step, guided in enumerate(guided_steps(settings)):
        if guided:
            v = dit_step.guided_velocity(
                transformer, y, cond, text_cond, text_uncond, t[step], mask, strength
            )
        else:
            v = dit_step.conditional_velocity(transformer, y, cond, text_cond, t[step], mask)
        y = y + (t[step + 1] - t[step]) * v
    mels = []
    for row, item in enumerate(items):
        # As FlowSampler.sample: the reference's own frames stand where it is (its mel may
        # hold a frame more than the plan's reference length).
        reference = torch.arange(length, device=device)[None, :, None] < item.voice.mel.shape[1]
        mel = torch.where(reference, cond[row : row + 1], y[row : row + 1])
        mels.append(mel[:, item.plan.ref_frames : item.plan.duration].permute(0, 2, 1))
    return mels


def synthesize_batch(engine, jobs: Sequence[SpeechJob]) -> List[Union[np.ndarray, EngineError]]:
    """Say each job's text whole; return its wave, or the error that refused it.

    Texts of one chunk run batched (:func:`batch_groups`); longer ones, and every text of
    a backbone the padded step does not cover, run alone through ``engine.synthesize``.
    Each result equals the same job run alone with the same seed.
    """
    results: List[Union[np.ndarray, EngineError, None]] = [None] * len(jobs)
    batchable = dit_step.unsupported_reason(engine.cfm.transformer) is None
    items, owners = [], []
    for index, job in enumerate(jobs):
        try:
            chunks = engine.planner.chunks(job.text, job.voice, job.settings, job.planned)
            plans = engine.planner.plans(job.text, chunks, job.voice, job.settings)
            if len(plans) > 1 or not batchable:
                results[index] = engine.synthesize(
                    job.text,
                    job.voice,
                    settings=job.settings,
                    use_phrase_cache=False,
                    continuing=job.planned,
                ).samples
                continue
        except EngineError as exc:
            results[index] = exc
            continue
        seed = job.settings.seed if job.settings.seed >= 0 else random.randrange(2**31)
        generator = torch.Generator(engine.device).manual_seed(seed)
        items.append(BatchItem(job.voice, plans[0], job.settings, generator))
        owners.append(index)
    io = engine.runtime.io
    for group in batch_groups(items, engine.config.buckets or DEFAULT_BUCKETS):
        batch = [items[i] for i in group]
        with io.stream_context():
            if len(batch) == 1:
                item = batch[0]
                mels = [engine.sample_mel(item.voice, item.plan, item.settings, item.generator)]
            else:
                vocab = engine.vocab
                tokens = [io.tokens([vocab.get(t, 0) for t in i.plan.tokens]) for i in batch]
                mels = sample_batch(engine.cfm.transformer, batch, tokens, engine.noise_dtype)
            for i, mel in zip(group, mels, strict=True):
                results[owners[i]] = engine.model_call.wave(items[i].voice, mel)
    return results
