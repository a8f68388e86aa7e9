# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Optimisation switches on the CPU: each runs, and stays within a tolerance of fp32 eager."""

import dataclasses
import os

import numpy as np
import pytest
import torch
from torch._dynamo.utils import counters

from ishowtts_ros.engine import Engine, dit_step
from ishowtts_ros.engine.config import DEFAULT_BUCKETS
from ishowtts_ros.engine.sampling import initial_noise, timesteps
from ishowtts_ros.engine.random_model import write_random_model

TEXT = "The quick brown fox jumps over the lazy dog"
WORDS = "robots walk to the kitchen and carry cups of tea for everyone in the house today"


def words(count: int) -> str:
    return " ".join((WORDS.split() * 5)[:count]).capitalize() + "."


# (words, speed): ten texts whose chunks, with the test voice, fall in every shipped bucket.
ACROSS_BUCKETS = [(2, 1.0), (4, 1.0), (8, 1.0), (24, 1.0), (32, 1.0), (48, 1.0), (64, 1.0)]
ACROSS_BUCKETS += [(8, 0.5), (32, 0.3), (64, 0.3)]


def max_error(a, b):
    assert a.shape == b.shape
    return float(np.max(np.abs(a - b)))


class EagerCalls:
    """Counts calls of upstream's own forward: the eager path (the compiled one skips it)."""

    def __init__(self, transformer):
        self.count = 0
        self._handle = transformer.register_forward_hook(self._called)

    def _called(self, *args):
        self.count += 1

    def close(self):
        self._handle.remove()


@pytest.fixture(scope="module")
def compiled(engine_config, compile_cache_dir):
    """Compile the shipped buckets and warm up; return the engine and dynamo's graph count."""
    engine = Engine.load(
        engine_config.replace(
            compile="default", buckets=list(DEFAULT_BUCKETS), compile_cache_dir=compile_cache_dir
        )
    )
    before = counters["stats"]["unique_graphs"]
    engine.warm_up()
    return engine, counters["stats"]["unique_graphs"] - before


def test_every_shipped_bucket_and_pass_has_a_compiled_graph_of_its_own(compiled):
    """Dynamo keeps 8 graphs per code object: 6 buckets x 2 passes sharing one ran 4 eager."""
    engine, graphs_compiled = compiled
    counts = engine.runtime.graph_counts()
    passes = {k: v for k, v in counts.items() if k != "vocos_decode"}
    assert sorted(passes) == sorted(
        f"{kind}_velocity_{bucket}"
        for bucket in DEFAULT_BUCKETS
        for kind in ("guided", "conditional")
    )
    assert set(passes.values()) == {1}, counts
    assert engine.runtime.compile_progress() == (len(DEFAULT_BUCKETS), len(DEFAULT_BUCKETS))
    assert engine.runtime.health.error == ""
    # Counted by dynamo itself: every pass and the vocoder's graphs, nothing left eager.
    assert graphs_compiled == len(passes) + counts["vocos_decode"]


def test_ten_lengths_across_every_bucket_compile_nothing_and_run_nothing_eager(compiled):
    engine = compiled[0]
    sampler = engine.runtime.sampler
    texts = [
        (words(count), engine.settings.replace(speed=speed)) for count, speed in ACROSS_BUCKETS
    ]
    durations = {
        plan.duration for text, settings in texts for plan in engine.plan(text, settings=settings)
    }
    assert len(durations) >= 10
    assert {sampler.bucket_of(d) for d in durations} == set(DEFAULT_BUCKETS)
    graphs = counters["stats"]["unique_graphs"]
    eager = EagerCalls(engine.cfm.transformer)
    try:
        for text, settings in texts:
            engine.synthesize(text, settings=settings, seed=1)
    finally:
        eager.close()
    assert counters["stats"]["unique_graphs"] == graphs
    assert eager.count == 0
    assert engine.runtime.health.eager_fallbacks == 0, engine.runtime.health.last_fallback
    assert set(engine.runtime.graph_counts().values()) <= {1, 2}  # the vocoder's: 2


def test_compiled_padded_engine_matches_eager(engine, compiled):
    error = max_error(
        compiled[0].synthesize(TEXT, seed=3).samples, engine.synthesize(TEXT, seed=3).samples
    )
    assert error <= 1e-4, error


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
    assert engine.runtime.health.eager_fallbacks == 0


def test_a_length_no_bucket_holds_runs_eager_and_compiles_nothing(
    engine_config, compile_cache_dir
):
    """Texts are planned within the largest bucket; a longer sequence still runs, eager."""
    engine = Engine.load(
        engine_config.replace(
            compile="default", buckets=[512], compile_cache_dir=compile_cache_dir
        )
    )
    engine.warm_up()
    plans = engine.plan(words(24))
    assert len(plans) > 1 and max(plan.duration for plan in plans) <= 512
    too_long = dataclasses.replace(plans[0], duration=600)
    graphs = counters["stats"]["unique_graphs"]
    eager = EagerCalls(engine.cfm.transformer)
    try:
        with engine.runtime.io.stream_context():
            generator = torch.Generator(engine.device).manual_seed(0)
            engine.sample_mel(engine.get_voice(None), too_long, engine.settings, generator)
    finally:
        eager.close()
    assert eager.count > 0 and counters["stats"]["unique_graphs"] == graphs
    assert engine.runtime.health.eager_fallbacks == 0


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
    compiled.warm_up()
    assert compiled.runtime.compile_progress() == (1, 1)
    error = max_error(
        compiled.synthesize(TEXT, seed=3).samples, eager.synthesize(TEXT, seed=3).samples
    )
    assert error <= 1e-4, error


def test_compile_cache_lands_in_the_configured_folder_and_the_process_keeps_its_own(
    compiled, compile_cache_dir
):
    assert any(files for _, _, files in os.walk(compile_cache_dir))
    assert os.environ.get("TORCHINDUCTOR_CACHE_DIR") != compile_cache_dir


@pytest.mark.parametrize("mode", ["max-autotune"])  # reduce-overhead is default on a CPU
def test_other_compile_modes_run_on_cpu(engine, engine_config, tmp_path, mode):
    other = Engine.load(
        engine_config.replace(compile=mode, buckets=[512], compile_cache_dir=str(tmp_path))
    )
    other.warm_up()
    assert other.runtime.compile_progress() == (1, 1)
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


def test_without_warm_up_a_bucket_compiles_when_a_text_first_needs_it(
    engine_config, compile_cache_dir
):
    engine = Engine.load(
        engine_config.replace(
            compile="default", buckets=[512], warmup=False, compile_cache_dir=compile_cache_dir
        )
    )
    assert [step.name for step in engine.warmup_steps() if step.compiles] == []
    assert engine.runtime.compile_progress() == (0, 1)
    eager = EagerCalls(engine.cfm.transformer)
    try:
        engine.synthesize(TEXT, seed=0)
    finally:
        eager.close()
    assert engine.runtime.compile_progress() == (1, 1) and engine.runtime.decoder.compiled
    assert eager.count == 0  # the text itself ran compiled
