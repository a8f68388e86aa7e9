# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""What a soak run measured: growth after warm-up, latency drift, nothing lost; a plot."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional

from ishowtts_ros.speech.stats import nearest_rank


@dataclass
class Sample:
    """The node process after one text."""

    sent: int
    rss_mb: float
    threads: int
    open_files: int
    first_audio_s: Optional[float]


def summarise(samples: List[Sample], sent: int, counts: dict, warmup: int) -> dict:
    """Growth after warm-up, resources flat or not, latency drift, nothing lost.

    RSS growth compares the medians of the first and the last tenth of the texts after
    warm-up: a single sample can catch the node amid an allocation.
    """
    after = [s for s in samples if s.sent > warmup]
    tenth = max(1, len(after) // 10)
    rss_early = nearest_rank([s.rss_mb for s in after[:tenth]], 0.5)
    rss_late = nearest_rank([s.rss_mb for s in after[-tenth:]], 0.5)
    window = max(1, len(after) // 5)
    early = [s.first_audio_s for s in after[:window] if s.first_audio_s is not None]
    late = [s.first_audio_s for s in after[-window:] if s.first_audio_s is not None]
    p50_early, p50_late = nearest_rank(early, 0.5), nearest_rank(late, 0.5)
    accounted = sum(counts.get(k, 0) for k in ("spoken", "dropped", "failed", "ignored"))
    return {
        "texts_sent": sent,
        "counts": counts,
        "accounted": accounted,
        "nothing_lost": accounted == sent,
        "warmup_texts": warmup,
        "rss_mb_median_first_tenth": rss_early,
        "rss_mb_median_last_tenth": rss_late,
        "rss_mb_max_after_warmup": max((s.rss_mb for s in after), default=None),
        "rss_growth_after_warmup_mb": rss_late - rss_early if after else None,
        "threads_min_max_after_warmup": [
            min((s.threads for s in after), default=0),
            max((s.threads for s in after), default=0),
        ],
        "open_files_min_max_after_warmup": [
            min((s.open_files for s in after), default=0),
            max((s.open_files for s in after), default=0),
        ],
        "first_audio_p50_early_s": p50_early,
        "first_audio_p95_early_s": nearest_rank(early, 0.95),
        "first_audio_p50_late_s": p50_late,
        "first_audio_p95_late_s": nearest_rank(late, 0.95),
        "latency_drift_p50_late_over_early": (
            p50_late / p50_early if p50_early and p50_late else None
        ),
    }


def plot(samples: List[Sample], warmup: int, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sent = [s.sent for s in samples]
    figure, (memory, latency) = plt.subplots(2, 1, figsize=(9, 6), sharex=True)
    memory.plot(sent, [s.rss_mb for s in samples], color="tab:blue")
    memory.axvline(warmup, color="grey", linestyle=":", label="end of warm-up")
    memory.set_ylabel("tts_node RSS (MB)")
    memory.legend(loc="lower right")
    spoken = [(s.sent, s.first_audio_s) for s in samples if s.first_audio_s is not None]
    latency.plot([x for x, _ in spoken], [y for _, y in spoken], ".", markersize=3)
    latency.set_ylabel("first audio (s)")
    latency.set_xlabel("texts sent")
    figure.suptitle("tts_node soak")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
