# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Optimisation switches on the CPU: each runs, and stays within a tolerance of fp32 eager."""

import os

import numpy as np
import pytest
import torch
from torch._dynamo.utils import counters

from ishowtts_ros.engine import Engine, dit_step
from ishowtts_ros.engine.sampling import initial_noise, timesteps
from ishowtts_ros.engine.random_model import write_random_model

TEXT = "The quick brown fox jumps over the lazy dog"
# The test voice plans 306..530 frames for RECOMPILE_TEXTS: every length falls in a bucket.
BUCKETS = [384, 640]


def max_error(a, b):
    assert a.shape == b.shape
    return float(np.max(np.abs(a - b)))


@pytest.fixture(scope="module")
def compiled(engine_config, tmp_path_factory):
    cache = tmp_path_factory.mktemp("inductor")
    engine = Engine.load(
        engine_config.replace(compile="default", buckets=BUCKETS, compile_cache_dir=str(cache))
    )
    return engine, cache


def test_compiled_padded_engine_matches_eager(engine, compiled):
    error = max_error(
        compiled[0].synthesize(TEXT, seed=3).samples, engine.synthesize(TEXT, seed=3).samples
    )
    assert error <= 1e-4, error


def test_no_recompilation_after_warm_up_across_ten_lengths(compiled):
    from ishowtts_ros.bench.analyses import recompiles

    assert recompiles(compiled[0]) == {"lengths": 10, "graphs": 0}


def test_runtime_parameter_changes_compile_nothing_after_warm_up(compiled):
    """Every pass a runtime setting can select was compiled at warm-up."""
    engine = compiled[0]
    graphs = counters["stats"]["unique_graphs"]
    changes = [
        {"nfe_step": 16},
        {"nfe_step": 6},  # another EPSS schedule
        {"nfe_step": 9},  # uniform
        {"cfg_steps": 2},  # guided, then conditional
        {"cfg_steps": 0},  # conditional only
        {"cfg_strength": 0.0},  # no guidance at all
        {"cfg_strength": 3.5},
        {"sway_sampling_coef": 0.3},
        {"speed": 1.7},
        {"seed": 11},
    ]
    counts = []
    for change in changes:
        engine.synthesize(TEXT, settings=engine.settings.replace(**change))
        counts.append(counters["stats"]["unique_graphs"] - graphs)
    print("graphs compiled after warm-up, per runtime change:", counts)
    assert counts == [0] * len(changes)


def test_long_skip_connection_is_part_of_the_compiled_step(tmp_path):
    """DiT(long_skip_connection=True): the compiled, padded engine equals the eager one."""
    from ishowtts_ros.engine import EngineConfig

    paths = write_random_model(str(tmp_path / "model"), long_skip_connection=True)
    config = EngineConfig.from_yaml(paths["config"])
    eager = Engine.load(config)
    assert eager.cfm.transformer.long_skip_connection is not None
    compiled = Engine.load(
        config.replace(compile="default", buckets=[512], compile_cache_dir=str(tmp_path / "c"))
    )
    assert compiled.runtime.sampler.compile_mode == "default"
    error = max_error(
        compiled.synthesize(TEXT, seed=3).samples, eager.synthesize(TEXT, seed=3).samples
    )
    assert error <= 1e-4, error


def test_compile_cache_lands_in_the_configured_folder_and_the_process_keeps_its_own(compiled):
    _, cache = compiled
    assert any(files for _, _, files in os.walk(cache))
    assert os.environ.get("TORCHINDUCTOR_CACHE_DIR") != str(cache)


@pytest.mark.parametrize("mode", ["reduce-overhead", "max-autotune"])
def test_other_compile_modes_run_on_cpu(engine, engine_config, tmp_path, mode):
    other = Engine.load(
        engine_config.replace(compile=mode, buckets=[512], compile_cache_dir=str(tmp_path))
    )
    error = max_error(
        other.synthesize(TEXT, seed=3).samples, engine.synthesize(TEXT, seed=3).samples
    )
    assert error <= 1e-4, error


def test_padded_masked_step_equals_upstream_forward(engine):
    """The bucket path's masking leaves real positions as upstream's unpadded forward."""
    transformer = engine.cfm.transformer
    voice = engine.get_voice(None)
    plan = engine.plan(TEXT)[0]
    n, padded = plan.duration, plan.duration + 77
    text = torch.tensor([[engine.vocab.get(t, 0) for t in plan.tokens]])
    cond = torch.nn.functional.pad(voice.mel, (0, 0, 0, n - voice.mel.shape[1]))
    x = initial_noise(n, 100, torch.Generator().manual_seed(0), torch.float32)
    time = torch.tensor(0.4)
    with torch.inference_mode():
        both = transformer(
            x=x, cond=cond, text=text, time=time, mask=None, cfg_infer=True, cache=False
        )
        pred, null = torch.chunk(both, 2)
        expected = pred + (pred - null) * 2.0
        dit_step.enable_attention_masks(transformer)
        try:
            pad = (0, 0, 0, padded - n)
            mask = (torch.arange(padded) < n)[None]
            text_cond, text_uncond = dit_step.text_embeddings(transformer, text, n, padded)
            got = dit_step.guided_velocity(
                transformer,
                torch.nn.functional.pad(x, pad),
                torch.nn.functional.pad(cond, pad),
                text_cond,
                text_uncond,
                time,
                mask,
                2.0,
            )
        finally:
            for block in transformer.transformer_blocks:
                block.attn.processor.attn_mask_enabled = False
    assert float((got[:, :n] - expected).abs().max()) <= 1e-5


@pytest.mark.parametrize("dtype,tolerance", [("fp16", 2e-3), ("bf16", 1e-2)])
def test_half_precision_stays_near_fp32(engine, engine_config, dtype, tolerance):
    """Tolerance: max abs sample error, with output peaks around 0.09 on this model."""
    half = Engine.load(engine_config.replace(dtype=dtype))
    half.noise_dtype = torch.float32  # the fp32 engine's noise, cast: compare precision only
    assert next(half.cfm.parameters()).dtype == half.dtype
    assert next(half.runtime.decoder.vocos.backbone.parameters()).dtype == half.dtype
    error = max_error(
        half.synthesize(TEXT, seed=3).samples, engine.synthesize(TEXT, seed=3).samples
    )
    assert error <= tolerance, error


def test_cfg_on_no_step_equals_no_guidance(engine):
    def speech(**changes):
        return engine.synthesize(TEXT, settings=engine.settings.replace(seed=3, **changes)).samples

    first, second = speech(cfg_steps=0), speech(cfg_strength=0.0)
    partial, full = speech(cfg_steps=3), speech()
    assert np.array_equal(first, second)
    assert not np.allclose(partial, full) and not np.allclose(partial, first)


def test_nfe_6_uses_the_epss_schedule(engine):
    expected = torch.tensor([0, 2, 4, 6, 8, 16, 32]) / 32
    assert torch.allclose(timesteps(6, 0.0, "cpu", torch.float32), expected)
    six = engine.synthesize(TEXT, settings=engine.settings.replace(nfe_step=6), seed=3)
    assert not np.allclose(six.samples, engine.synthesize(TEXT, seed=3).samples)
