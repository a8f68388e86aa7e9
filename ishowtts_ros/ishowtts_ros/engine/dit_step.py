# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""One velocity evaluation of F5's DiT on a sequence padded to a fixed length.

Upstream's ``DiT.forward`` runs batch-1 inference unmasked, so every new length is a new
shape (and a recompilation under torch.compile). Here the sequence is padded to a bucket
length and the padding is masked everywhere it could leak into real positions: the text
embedding is computed at the real length and zero-padded (its ConvNeXt blocks use global
response normalisation, a norm over the whole sequence, so computing it at the padded
length would change real positions), and the convolutional position embedding and the
attention get the audio mask. Real positions then equal the unpadded result to float
rounding. The submodules are upstream's own; only the order of calls is written out here,
the same as ``DiT.forward`` (long skip connection included). Other backbones (E2-TTS's
``UNetT`` packs the time into the sequence and does not mask its input embedding) are
not covered: :func:`unsupported_reason` says why, and they run eager.

Shapes: b = 1 (or a server's batch, :mod:`.batching`), n = padded frames, d = mel bins,
dt = text embedding width.
``x``, ``cond``: [b, n, d]; ``text_cond``, ``text_uncond``: [b, n, dt]; ``mask``: [b, n] bool;
``time``: [] (scalar).
"""

from __future__ import annotations

from typing import Optional

import torch


def unsupported_reason(transformer: torch.nn.Module) -> Optional[str]:
    """Why the padded step cannot run this backbone, or None when it can."""
    from f5_tts.model import DiT

    if not isinstance(transformer, DiT):
        return (
            f"the padded step covers F5's DiT backbone only, not {type(transformer).__name__} "
            "(its padding would reach real positions)"
        )
    return None


def enable_attention_masks(transformer: torch.nn.Module) -> None:
    """Make every block's attention honour the audio mask (upstream's v1 config turns it off)."""
    for block in transformer.transformer_blocks:
        block.attn.processor.attn_mask_enabled = True


def text_embeddings(transformer, text: torch.Tensor, frames: int, length: int) -> tuple:
    """Conditional and unconditional (dropped) text embeddings ``[b, length, dt]``.

    Computed for the real ``frames`` as upstream does, then zero-padded to ``length``.
    """
    pad = (0, 0, 0, length - frames)
    return tuple(
        torch.nn.functional.pad(transformer.text_embed(text, seq_len=frames, drop_text=drop), pad)
        for drop in (False, True)
    )


def _backbone(transformer, hidden: torch.Tensor, time: torch.Tensor, mask: torch.Tensor):
    rope = transformer.rotary_embed.forward_from_seq_len(hidden.shape[1])
    residual = hidden
    for block in transformer.transformer_blocks:
        hidden = block(hidden, time, mask=mask, rope=rope)
    if transformer.long_skip_connection is not None:
        hidden = transformer.long_skip_connection(torch.cat((hidden, residual), dim=-1))
    return transformer.proj_out(transformer.norm_out(hidden, time))


def guided_velocity(transformer, x, cond, text_cond, text_uncond, time, mask, cfg_strength):
    """Classifier-free guided flow: conditional and unconditional passes in one batch of 2b.

    ``cfg_strength`` is a 0-dim tensor (a float would be baked into a compiled graph), or
    ``[b, 1, 1]``, one per request.
    """
    t = transformer.time_embed(time.reshape(1))
    x_cond = transformer.input_embed(x, cond, text_cond, drop_audio_cond=False, audio_mask=mask)
    x_uncond = transformer.input_embed(x, cond, text_uncond, drop_audio_cond=True, audio_mask=mask)
    # t [1, dt] broadcasts over the batch: requests batched together share the time.
    both = _backbone(transformer, torch.cat((x_cond, x_uncond)), t, torch.cat((mask, mask)))
    pred, null_pred = torch.chunk(both, 2, dim=0)
    return pred + (pred - null_pred) * cfg_strength


def conditional_velocity(transformer, x, cond, text_cond, time, mask):
    """Flow without guidance: the conditional pass alone (half the compute)."""
    t = transformer.time_embed(time.reshape(1))
    hidden = transformer.input_embed(x, cond, text_cond, drop_audio_cond=False, audio_mask=mask)
    return _backbone(transformer, hidden, t, mask)
