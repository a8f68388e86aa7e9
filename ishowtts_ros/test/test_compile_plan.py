# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""What ``compile`` means by device, GPU size and torch version; checked against inductor."""

import json
import subprocess
import sys
from types import SimpleNamespace

import pytest
import torch

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
    from ishowtts_ros.doctor.checks import WARN, compile_works

    [auto] = compile_works(engine_config.replace(compile="auto"), on_jetson=False)
    assert (
        auto.detail
        == "compile auto: uncompiled on cpu (auto on a CPU: its GEMMs already run near peak)"
    )
    monkeypatch.delattr(torch.compiler, "set_stance")
    [check] = compile_works(engine_config.replace(compile="default"), on_jetson=False)
    assert check.status == WARN and "has no torch.compiler.set_stance" in check.detail
    assert "torch >= 2.6" in check.fix
