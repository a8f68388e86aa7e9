# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""What a soak run measured: growth after warm-up, latency drift, nothing lost; a plot."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional

from ishowtts_ros.speech.stats import nearest_rank


@dataclass
class Sample:
    """The node process after one text."""

    sent: int
    rss_mb: float
    threads: int
    open_files: int
    first_audio_s: Optional[float]
    """From sending the text to its first audio on ``tts/audio``, as the robot sees it."""
    node_first_audio_s: Optional[float] = None
    """The same inside the node (text taken from the queue to first chunk), as it reports."""
    from_cache: bool = False
    """Said again from the node's phrase cache (its latencies are not compared)."""
    phrase_cache_mb: float = 0.0
    """What the node's phrase cache holds by its own count (its last speech diagnostic)."""
    settled: bool = False
    """Taken after the node was idle long enough to give free memory back."""


@dataclass(frozen=True)
class Windows:
    """The texts whose latencies are compared: the late window says the early one again."""

    early_start: int
    late_start: int
    length: int

    @property
    def offset(self) -> int:
        return self.late_start - self.early_start


def latency_windows(count: int, warmup: int, period: int) -> Windows:
    """Return the last fifth after warm-up (at most ``period`` texts) and its early twin.

    The twin starts as soon after warm-up and the first round of parameter changes as it
    can while lying a whole number of ``period``s before it, so that the same runtime
    parameters are in effect; shorter runs compare the texts right after warm-up.
    """
    length = max(1, min(period, (count - warmup) // 5))
    late = count - length + 1
    periods = (late - max(warmup, period) - 1) // period
    early = late - periods * period if periods > 0 else max(1, min(warmup + 1, late - length))
    return Windows(early, late, length)


@dataclass
class Run:
    """What one node was sent, what it accounted for, and a sample after each text."""

    samples: List[Sample] = field(default_factory=list)
    sent: int = 0
    counts: dict = field(default_factory=dict)
    warnings: dict = field(default_factory=dict)
    """Speech diagnostics received at WARN or ERROR, by subject ("slow", ...)."""

    @property
    def accounted(self) -> int:
        return sum(self.counts.values())  # spoken, dropped, failed and ignored

    def latencies(self, start: int, length: int, field_name: str) -> Dict[int, float]:
        """Latency by text number within a window.

        Texts not heard, and texts said from the phrase cache (no synthesis), are left out.
        """
        return {
            s.sent: getattr(s, field_name)
            for s in self.samples
            if start <= s.sent < start + length
            and getattr(s, field_name) is not None
            and not s.from_cache
        }


def _ratios(slow: Dict[int, float], fast: Dict[int, float], offset: int) -> tuple:
    """Ratio of the medians, and median of the ratios, over the texts heard in both."""
    both = [i for i in slow if i - offset in fast]
    p50_slow = nearest_rank([slow[i] for i in both], 0.5)
    p50_fast = nearest_rank([fast[i - offset] for i in both], 0.5)
    pairs = [slow[i] / fast[i - offset] for i in both if fast[i - offset] > 0]
    return (p50_slow / p50_fast if p50_slow and p50_fast else None), nearest_rank(pairs, 0.5)


def summarise(old: Run, young: Run, warmup: int, windows: Windows) -> dict:
    """Growth after warm-up, resources flat or not, latency drift, nothing lost.

    RSS growth compares the medians of the first and the last tenth of the settled
    samples after warm-up (taken once the node gave free memory back; all samples where
    none is): a single sample can catch the node amid an allocation. Growth beyond the
    phrase cache takes what the cache holds (by its own count) off each sample first.
    Latency drift compares the same texts said early and late (see
    :func:`latency_windows`), and the late texts said by the old node and, a moment later
    each, by a young one: the machine's own speed changes over an hour, the second
    comparison does not see them.
    """
    after = [s for s in old.samples if s.sent > warmup]
    settled = [s for s in after if s.settled] or after
    tenth = max(1, len(settled) // 10)
    early, late = settled[:tenth], settled[-tenth:]
    rss_early = nearest_rank([s.rss_mb for s in early], 0.5)
    rss_late = nearest_rank([s.rss_mb for s in late], 0.5)
    beyond_early = nearest_rank([s.rss_mb - s.phrase_cache_mb for s in early], 0.5)
    beyond_late = nearest_rank([s.rss_mb - s.phrase_cache_mb for s in late], 0.5)
    summary = {
        "texts_sent": old.sent,
        "counts": old.counts,
        "accounted": old.accounted,
        "young_node_texts_sent": young.sent,
        "young_node_counts": young.counts,
        "nothing_lost": old.accounted == old.sent and young.accounted == young.sent,
        "warmup_texts": warmup,
        "rss_mb_median_first_tenth": rss_early,
        "rss_mb_median_last_tenth": rss_late,
        "rss_mb_max_after_warmup": max((s.rss_mb for s in after), default=None),
        "rss_growth_after_warmup_mb": rss_late - rss_early if after else None,
        "phrase_cache_mb_first_last_tenth": [
            nearest_rank([s.phrase_cache_mb for s in part], 0.5) for part in (early, late)
        ],
        "rss_growth_beyond_phrase_cache_mb": beyond_late - beyond_early if after else None,
        "threads_min_max_after_warmup": [
            min((s.threads for s in after), default=0),
            max((s.threads for s in after), default=0),
        ],
        "open_files_min_max_after_warmup": [
            min((s.open_files for s in after), default=0),
            max((s.open_files for s in after), default=0),
        ],
        "warn_diagnostics_by_subject": old.warnings,
        "latency_windows": [
            [windows.early_start, windows.early_start + windows.length - 1],
            [windows.late_start, windows.late_start + windows.length - 1],
        ],
    }
    for name, field_name in (("", "first_audio_s"), ("node_", "node_first_audio_s")):
        early = old.latencies(windows.early_start, windows.length, field_name)
        late = old.latencies(windows.late_start, windows.length, field_name)
        young_late = young.latencies(windows.late_start, windows.length, field_name)
        drift, drift_pairs = _ratios(late, early, windows.offset)
        age, age_pairs = _ratios(late, young_late, 0)
        summary.update(
            {
                f"{name}first_audio_p50_early_s": nearest_rank(early.values(), 0.5),
                f"{name}first_audio_p95_early_s": nearest_rank(early.values(), 0.95),
                f"{name}first_audio_p50_late_s": nearest_rank(late.values(), 0.5),
                f"{name}first_audio_p95_late_s": nearest_rank(late.values(), 0.95),
                f"{name}first_audio_p50_late_young_node_s": nearest_rank(young_late.values(), 0.5),
                f"{name}latency_drift_p50_late_over_early": drift,
                f"{name}latency_drift_median_of_same_text_ratios": drift_pairs,
                f"{name}latency_age_p50_old_over_young_node": age,
                f"{name}latency_age_median_of_same_text_ratios": age_pairs,
            }
        )
    return summary


def plot(old: Run, young: Run, warmup: int, windows: Windows, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (memory, latency) = plt.subplots(2, 1, figsize=(9, 6), sharex=True)
    sent = [s.sent for s in old.samples]
    memory.plot(sent, [s.rss_mb for s in old.samples], label="RSS", lw=0.5)
    settled = [s for s in old.samples if s.settled]
    memory.plot([s.sent for s in settled], [s.rss_mb for s in settled], label="RSS when idle")
    memory.plot(
        [s.sent for s in settled],
        [s.rss_mb - s.phrase_cache_mb for s in settled],
        label="when idle, less the phrase cache",
    )
    memory.axvline(warmup, color="grey", linestyle=":", label="end of warm-up")
    memory.set_ylabel("tts_node RSS (MB)")
    memory.legend(loc="lower right")
    for run, label in ((old, "tts_node"), (young, "young tts_node")):
        heard = [(s.sent, s.first_audio_s) for s in run.samples if s.first_audio_s is not None]
        latency.plot([x for x, _ in heard], [y for _, y in heard], ".", ms=3, label=label)
    for start, label in ((windows.early_start, "early"), (windows.late_start, "late")):
        latency.axvspan(start, start + windows.length - 1, alpha=0.1, color="grey")
        latency.annotate(label, (start, 0.92), xycoords=("data", "axes fraction"))
    latency.legend(loc="lower left")
    latency.set_yscale("log")  # the first texts compile: seconds, not tenths
    latency.set_ylabel("first audio (s)")
    latency.set_xlabel("texts sent")
    figure.suptitle("tts_node soak")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
