# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Upstream F5-TTS as the parity tests run it: its loaders, its pipeline, their texts."""

import functools
from concurrent.futures import ThreadPoolExecutor
from importlib.resources import files

import numpy as np
import soundfile
import torch


EN_TEXT = "Some call me nature, others call me mother nature."
ZH_TEXT = "对，这就是我，万人敬仰的太乙真人。"
ENGLISH = (
    "I don't really care what you call me. I've been a silent spectator, watching species "
    "evolve, empires rise and fall. But always remember, I am mighty and enduring. Respect "
    "me and I'll nurture you; ignore me and you shall face the consequences."
)
CHINESE = (
    "今天天气很好，我们一起去公园散步吧！公园里有很多人，有的在跑步，有的在下棋，"
    "还有的在唱歌。你想去湖边看看吗？那里的风景特别美丽，秋天的树叶变成了金黄色。"
)
MIXED = "我们明天去 Beijing 开会，好吗？The meeting starts at nine, 不要迟到！"
DIGITS = "Turn left in 200 meters, then take exit 3. The battery is at 85 percent, 14:30."
SHORT = "Please step aside, the robot is coming through. Thank you for your patience."
SEED = 1234


def example_clip(name):
    path = str(files("f5_tts").joinpath(f"infer/examples/basic/basic_ref_{name}.wav"))
    samples, rate = soundfile.read(path, dtype="float32")
    assert rate == 24000
    return samples


def upstream_models(paths, backbone, device):
    """Upstream's own loaders on the same files: CFM from load_model, Vocos from load_vocoder."""
    import f5_tts.model as f5_model
    from f5_tts.infer.utils_infer import load_model, load_vocoder
    from omegaconf import OmegaConf

    arch = OmegaConf.to_container(OmegaConf.load(paths["model"]).model.arch)
    model = load_model(
        getattr(f5_model, backbone),
        arch,
        paths["safetensors"],
        vocab_file=paths["vocab"],
        device=device,
    )
    vocoder = load_vocoder("vocos", is_local=True, local_path=paths["vocoder"], device=device)
    return model, vocoder


def read_like_torchaudio(path, *args, **kwargs):
    """``torchaudio.load``'s result for a PCM WAV: float32 in [-1, 1], channels first."""
    samples, rate = soundfile.read(path, dtype="float32", always_2d=True)
    return torch.from_numpy(samples.T.copy()), rate


def upstream_speech(monkeypatch, models, preprocessed, entry, text, nfe_step, seed=SEED):
    """``F5TTS.infer`` step by step: preprocess, seed, ``infer_process``."""
    from f5_tts.infer import utils_infer

    monkeypatch.setattr(utils_infer.torchaudio, "load", read_like_torchaudio)
    monkeypatch.setattr(
        utils_infer, "ThreadPoolExecutor", functools.partial(ThreadPoolExecutor, max_workers=1)
    )
    ref_file, ref_text = preprocessed(entry["ref_audio"], entry["ref_text"])
    model, vocoder = models
    device = next(model.parameters()).device
    torch.manual_seed(seed)
    wave, rate, _ = utils_infer.infer_process(
        ref_file,
        ref_text,
        text,
        model,
        vocoder,
        show_info=lambda *_: None,
        progress=None,
        nfe_step=nfe_step,
        device=device,
    )
    assert rate == 24000
    return wave


def compare(ours, theirs):
    assert ours.shape == theirs.shape, (ours.shape, theirs.shape)
    assert np.max(np.abs(theirs)) > 1e-3, "upstream is silent: the comparison proves nothing"
    return float(np.max(np.abs(ours - theirs)))


def upstream_budget(preprocessed, entry):
    """``infer_process``'s max_chars for this clip."""
    ref_file, ref_text = preprocessed(entry["ref_audio"], entry["ref_text"])
    audio, rate = read_like_torchaudio(ref_file)
    seconds = audio.shape[-1] / rate
    return int(len(ref_text.encode("utf-8")) / seconds * (22 - seconds) * 1.0), ref_text


EDGE_TEXTS = {
    "full_width_digits_and_letters": "全角数字１２３和字母ＡＢＣ，还有ｆｕｌｌ ｗｉｄｔｈ。",
    "traditional": "歡迎來到臺灣，這裡的風景非常漂亮！我們明天見。",
    "chinese_quotes": "他说：「你好」，然后读了《三体》和“红楼梦”。",
    "mixed_units": "机器人 Robot-3 的电量是 85%，请在 14:30 前充电。",
    "paragraph_2000_chars": (CHINESE * 20)[:2000],
}
