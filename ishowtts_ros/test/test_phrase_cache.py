# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""The phrase cache on the small model: the first rendition again, in memory and on disk."""

import logging
import os

import numpy as np
import pytest

from ishowtts_ros.engine import Engine
from ishowtts_ros.engine.phrase_cache import PhraseCache

PHRASE = "Please step aside."


@pytest.fixture
def cached(engine_config, tmp_path):
    return Engine.load(
        engine_config.replace(phrase_cache_mb=8, phrase_cache_dir=str(tmp_path), seed=-1)
    )


def test_a_phrase_said_again_is_its_first_rendition_byte_for_byte(cached):
    first = cached.synthesize(PHRASE)  # seed -1: a random seed, kept with the phrase
    again = cached.synthesize(PHRASE)
    assert first.samples.tobytes() == again.samples.tobytes() and again.synthesis_s == 0.0
    assert cached.phrases.stats()["phrase cache hits"] == "1"
    other = cached.synthesize("Please step aside now.")
    assert other.samples.shape != first.samples.shape


def test_a_text_is_normalised_and_chunked_once_per_call(cached, monkeypatch):
    """On a miss, the phrase's key is made of the very chunks that are then planned."""
    from ishowtts_ros.engine.normalize import TextNormalizer

    said, normalise = [], TextNormalizer.__call__

    def counted(normalizer, text, *args, **kwargs):
        said.append(text)
        return normalise(normalizer, text, *args, **kwargs)

    monkeypatch.setattr(TextNormalizer, "__call__", counted)
    assert cached.settings.normalize_text
    cached.synthesize(PHRASE)  # a miss: key, plan and speech from one chunking
    assert said == [PHRASE]
    cached.synthesize(PHRASE)  # a hit: chunked for its key, nothing else
    assert said == [PHRASE, PHRASE]
    assert cached.phrases.stats()["phrase cache hits"] == "1"


def test_everything_that_changes_the_sound_changes_the_key(cached):
    cached.synthesize(PHRASE)
    for settings in (
        cached.settings.replace(nfe_step=8),
        cached.settings.replace(speed=1.2),
        cached.settings.replace(cfg_strength=2.5),
        cached.settings.replace(seed=5),
    ):
        cached.synthesize(PHRASE, settings=settings)
    assert cached.phrases.stats()["phrase cache hits"] == "0"
    assert cached.phrases.stats()["phrase cache entries"] == "5"


def test_disk_entries_survive_a_restart_and_bad_files_are_replaced(
    cached, engine_config, tmp_path, caplog
):
    first = cached.synthesize(PHRASE).samples
    [entry] = [name for name in os.listdir(tmp_path) if name.endswith(".npz")]
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]
    config = engine_config.replace(phrase_cache_mb=8, phrase_cache_dir=str(tmp_path), seed=-1)
    restarted = Engine.load(config)
    assert restarted.synthesize(PHRASE).samples.tobytes() == first.tobytes()
    assert restarted.phrases.stats()["phrase cache hits"] == "1"

    (tmp_path / entry).write_bytes(b"not an npz file")  # corrupt
    third = Engine.load(config)
    with caplog.at_level(logging.WARNING, logger="ishowtts_ros.engine.phrase_cache"):
        replaced = third.synthesize(PHRASE).samples
    assert "ignored" in caplog.text and replaced.shape == first.shape
    fourth = Engine.load(config)
    assert fourth.synthesize(PHRASE).samples.tobytes() == replaced.tobytes()  # rewritten


def test_a_foreign_file_under_the_key_is_ignored(tmp_path, caplog):
    cache = PhraseCache(2**20, str(tmp_path))
    cache.put("abc", [(np.ones(10, np.float32), "x")], 24000)
    os.replace(tmp_path / "abc.npz", tmp_path / "def.npz")  # another key's name
    with caplog.at_level(logging.WARNING):
        assert PhraseCache(2**20, str(tmp_path)).get("def") is None
    assert "another format or another key" in caplog.text


def test_memory_is_bounded_least_recently_used_first():
    cache = PhraseCache(max_bytes=3 * 4000)
    for key in "abcd":
        cache.put(key, [(np.zeros(1000, np.float32), key)], 24000)
        cache.get("a")  # "a" stays the most recently used
    assert cache.bytes == 3 * 4000
    assert cache.get("b") is None and cache.get("a") is not None


def folder_bytes(folder) -> int:
    return sum(path.stat().st_size for path in folder.iterdir())


def test_a_thousand_distinct_texts_keep_the_folder_within_its_bound(tmp_path):
    """Least recently used first; an entry read is kept; a restart keeps the order."""
    bound = 200_000  # about 40 entries of a 0.05 s chunk (4.8 kB) each
    cache = PhraseCache(2**20, str(tmp_path), max_disk_bytes=bound)
    chunk = np.zeros(1200, np.float32)
    cache.put("often", [(chunk, "often said")], 24000)
    for index in range(1000):
        cache.put(f"text{index}", [(chunk + index, f"text {index}")], 24000)
        if index % 20 == 0:
            cache._entries.clear()  # forgotten in memory: the read below is from disk
            assert cache.get("often") is not None  # said again now and then: kept
        assert folder_bytes(tmp_path) <= bound
    assert (tmp_path / "often.npz").exists() and (tmp_path / "text999.npz").exists()
    assert not (tmp_path / "text0.npz").exists()
    assert cache.stats()["phrase cache disk MB"] == f"{folder_bytes(tmp_path) / 2**20:.1f}"
    # After a restart with a smaller bound: the least recently used files go first.
    PhraseCache(2**20, str(tmp_path), max_disk_bytes=bound // 4)
    assert folder_bytes(tmp_path) <= bound // 4 and (tmp_path / "text999.npz").exists()
    assert not (tmp_path / "text950.npz").exists()


def test_the_budget_covers_all_the_memory_an_entry_holds():
    """A chunk handed on is a view into the joined wave, whose cross-fade tail it keeps."""
    joined = np.zeros(1000 + 3600, np.float32)
    cache = PhraseCache(max_bytes=10**6)
    cache.put("a", [(joined[:1000], "a")], 24000)
    ((samples, _),) = cache.get("a")[0]
    assert samples.base is None and cache.bytes == samples.nbytes == 4000


def test_preloaded_phrases_are_cached_by_the_warm_up(engine_config, tmp_path):
    phrases = tmp_path / "phrases.yaml"
    phrases.write_text("test: [Charging., Excuse me.]\n")
    engine = Engine.load(
        engine_config.replace(
            phrase_cache_mb=8, preload_phrases=["Hello."], preload_phrases_file=str(phrases)
        )
    )
    assert engine.phrases.stats()["phrase cache entries"] == "0"
    engine.warm_up()
    assert engine.phrases.stats()["phrase cache entries"] == "3"
    engine.synthesize("Excuse me.", "test")
    assert engine.phrases.stats()["phrase cache hits"] == "1"
