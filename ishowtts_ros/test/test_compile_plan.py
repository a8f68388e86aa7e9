# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""What ``compile`` means by device, GPU size and torch version, and what a failed pass does."""

import json
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from test_optimize import TEXT

from ishowtts_ros.engine import Engine
from ishowtts_ros.engine.compiled import INDUCTOR_MIN_SMS, plan_compile


def fake_gpu(monkeypatch, sms: int) -> None:
    """Fake a CUDA device of ``sms`` SMs where its properties are read (the hardware edge)."""
    properties = SimpleNamespace(multi_processor_count=sms)
    monkeypatch.setattr(torch.cuda, "get_device_properties", lambda device=None: properties)


@pytest.mark.parametrize(
    "sms,modes",
    [
        (132, ("max-autotune", "max-autotune-no-cudagraphs")),  # H100
        (16, ("reduce-overhead", "default")),  # AGX Orin: inductor tunes no GEMMs
    ],
)
def test_auto_on_cuda_picks_the_mode_by_the_gpus_size(monkeypatch, sms, modes):
    fake_gpu(monkeypatch, sms)
    plan = plan_compile("auto", torch.device("cuda", 0))
    assert (plan.transformer, plan.vocoder) == modes and f"{sms} SMs" in plan.why


def test_auto_on_a_cpu_compiles_nothing_and_a_set_mode_is_kept():
    auto, default = (plan_compile(s, torch.device("cpu")) for s in ("auto", "default"))
    assert (auto.transformer, auto.vocoder, default.transformer) == (None, None, "default")


@pytest.mark.parametrize("sms", [16, 67, 68, 132])
def test_the_gpu_size_rule_is_inductors_own(monkeypatch, sms):
    """Inductor's is_big_gpu, on the same fake properties, draws the line where we do."""
    from torch._inductor import utils
    from torch._inductor.runtime.hints import DeviceProperties

    monkeypatch.setattr(torch.version, "hip", None)
    monkeypatch.setattr(
        DeviceProperties, "create", classmethod(lambda cls, device: cls("cuda", 0, sms, 87))
    )
    inductor_tunes = utils.is_big_gpu.__wrapped__(torch.device("cuda", 0))
    fake_gpu(monkeypatch, sms)
    ours = plan_compile("auto", torch.device("cuda", 0)).transformer == "max-autotune"
    assert inductor_tunes == ours == (sms >= INDUCTOR_MIN_SMS)


WITHOUT_SET_STANCE = """
import json, logging, sys
import torch
del torch.compiler.set_stance  # as in torch < 2.6 (JetPack 6.0/6.1's wheels)
warnings = []
handler = logging.Handler()
handler.emit = lambda record: warnings.append(record.getMessage())
handler.setLevel(logging.WARNING)
logging.getLogger("ishowtts_ros").addHandler(handler)
from ishowtts_ros.engine import Engine, EngineConfig
config = EngineConfig.from_yaml(sys.argv[1]).replace(device="cpu", compile="default")
engine = Engine.load(config)
steps = engine.runtime.compile_steps()
for _, step in steps:
    step()
result = engine.synthesize("Hello robot.", use_phrase_cache=False)
print(json.dumps({
    "steps": len(steps),
    "mode": engine.runtime.compile_mode,
    "fallbacks": engine.runtime.health.eager_fallbacks,
    "seconds": result.seconds,
    "warnings": warnings,
}))
"""


def test_a_torch_without_set_stance_compiles_nothing_and_says_so_once(test_model):
    """Never minutes of compiling that cannot be used: eager at once, one WARN naming why."""
    run = subprocess.run(
        [sys.executable, "-c", WITHOUT_SET_STANCE, test_model["config"]],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert (report["steps"], report["mode"], report["fallbacks"]) == (0, None, 0)
    assert report["seconds"] > 0.5
    [warning] = [w for w in report["warnings"] if "set_stance" in w]
    assert warning.startswith("compile default: torch ") and "speaking uncompiled" in warning


def test_the_doctor_says_what_compile_will_do_with_this_torch(monkeypatch, engine_config):
    from ishowtts_ros.doctor.checks import WARN
    from ishowtts_ros.doctor.compile_checks import compile_works

    [auto] = compile_works(engine_config.replace(compile="auto"), on_jetson=False)
    assert (
        auto.detail
        == "compile auto: uncompiled on cpu (auto on a CPU: its GEMMs already run near peak)"
    )
    monkeypatch.delattr(torch.compiler, "set_stance")
    [check] = compile_works(engine_config.replace(compile="default"), on_jetson=False)
    assert check.status == WARN and "has no torch.compiler.set_stance" in check.detail
    assert "torch >= 2.6" in check.fix


def test_without_warm_up_a_pass_that_fell_back_stays_eager_and_is_not_compiled_again(
    engine_config, compile_cache_dir
):
    engine = Engine.load(
        engine_config.replace(
            compile="default", buckets=[512], warmup=False, compile_cache_dir=compile_cache_dir
        )
    )
    engine.synthesize(TEXT, seed=0)  # compiles the bucket on demand
    runtime = engine.runtime
    assert runtime.compile_progress() == (1, 1)

    def broken(*args):  # the compiled pass fails from now on (a device error, say)
        raise RuntimeError("compiled pass failed")

    runtime.sampler._passes[512] = (broken, broken)
    compiles = []
    compile_pass = runtime.compile_pass
    runtime.compile_pass = lambda *args: (compiles.append(args), compile_pass(*args))
    first = engine.synthesize(TEXT, seed=0, use_phrase_cache=False)
    second = engine.synthesize(TEXT, seed=0, use_phrase_cache=False)
    assert runtime.health.eager_fallbacks == 1 and runtime.compile_progress() == (0, 1)
    assert compiles == []  # before, every later text compiled the bucket again first
    assert np.allclose(first.samples, second.samples, atol=1e-4)
