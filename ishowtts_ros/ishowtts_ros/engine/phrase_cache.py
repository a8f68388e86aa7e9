# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Speech a robot says again and again, kept: in memory (LRU) and optionally on disk.

An entry is the chunks of one utterance, keyed by a hash of everything that changes the
sound (see :func:`phrase_key`). Disk entries are written atomically (a temporary file,
then a rename); a file that is corrupt, of another format or of another key is ignored
with a warning and replaced by the next rendition. The folder is bounded too (LRU, by
file size): an entry read is touched, so that the order holds across restarts.

Shapes: each chunk is ``[nw]`` float32 at the entry's sample rate.
"""

from __future__ import annotations

import collections
import hashlib
import json
import logging
import os
import tempfile
import threading
from typing import Dict, List, Optional, Tuple

import numpy as np

LOG = logging.getLogger(__name__)
FORMAT = 1
SUFFIX = ".npz"

Chunks = List[Tuple[np.ndarray, str]]
"""Each chunk's samples and its text."""


def phrase_key(identity: dict) -> str:
    """SHA-256 of everything that changes the sound, as canonical JSON."""
    text = json.dumps(identity, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_identity(path: str) -> list:
    """Identify a file without reading it: resolved path, size, modification time."""
    if not path:
        return [""]
    stat = os.stat(path)
    return [os.path.realpath(path), stat.st_size, stat.st_mtime_ns]


class PhraseCache:
    """Utterances by key: ``max_bytes`` of them in memory, ``max_disk_bytes`` in ``folder``."""

    def __init__(self, max_bytes: int, folder: str = "", max_disk_bytes: int = 256 * 2**20):
        self.max_bytes = max_bytes
        self.folder = folder
        self.max_disk_bytes = max_disk_bytes
        self._files: "collections.OrderedDict[str, int]" = collections.OrderedDict()
        """Entries on disk and their sizes, least recently used first."""
        self._disk_bytes = 0
        self.hits = self.misses = 0
        self._entries: "collections.OrderedDict[str, Tuple[Chunks, int]]" = (
            collections.OrderedDict()
        )
        self._bytes = 0
        self._lock = threading.Lock()
        if folder:
            os.makedirs(folder, exist_ok=True)
            self._files_found()

    @classmethod
    def configured(cls, config) -> Optional["PhraseCache"]:
        """Make the cache an engine config asks for (None: ``phrase_cache_mb`` 0)."""
        if not config.phrase_cache_mb:
            return None
        mb = 2**20
        disk = config.phrase_cache_disk_mb * mb
        return cls(config.phrase_cache_mb * mb, config.phrase_cache_dir, disk)

    def get(self, key: str) -> Optional[Tuple[Chunks, int]]:
        """Return the chunks and their sample rate, or None (counted as a miss)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
        if entry is None and self.folder:
            entry = self._read(key)
            if entry is not None:
                self._remember(key, entry)
                self._used_on_disk(key)
        with self._lock:
            if entry is None:
                self.misses += 1
            else:
                self.hits += 1
        return entry

    def put(self, key: str, chunks: Chunks, sample_rate: int) -> None:
        """Keep an utterance (in memory, and on disk when a folder is set)."""
        # Copies: a chunk may be a view that keeps a larger wave alive, beyond the budget.
        entry = ([(np.array(s, dtype=np.float32), t) for s, t in chunks], sample_rate)
        self._remember(key, entry)
        if self.folder:
            self._write(key, entry)

    def stats(self) -> Dict[str, str]:
        """Diagnostic keys: hits, misses, memory, entries and disk."""
        with self._lock:
            return {
                "phrase cache hits": str(self.hits),
                "phrase cache misses": str(self.misses),
                "phrase cache MB": f"{self._bytes / 2**20:.1f}",
                "phrase cache entries": str(len(self._entries)),
                "phrase cache disk MB": f"{self._disk_bytes / 2**20:.1f}",
            }

    @property
    def bytes(self) -> int:
        return self._bytes

    def _remember(self, key: str, entry: Tuple[Chunks, int]) -> None:
        size = sum(samples.nbytes for samples, _ in entry[0])
        if size > self.max_bytes:
            return  # larger than the whole cache: not kept in memory
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= sum(samples.nbytes for samples, _ in old[0])
            self._entries[key] = entry
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= sum(samples.nbytes for samples, _ in evicted[0])

    def _path(self, key: str) -> str:
        return os.path.join(self.folder, key + SUFFIX)

    def _read(self, key: str) -> Optional[Tuple[Chunks, int]]:
        path = self._path(key)
        if not os.path.exists(path):
            return None
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(bytes(data["meta"]).decode("utf-8"))
                if meta.get("format") != FORMAT or meta.get("key") != key:
                    raise ValueError("another format or another key")
                chunks = [
                    (np.asarray(data[f"chunk{i}"], dtype=np.float32), text)
                    for i, text in enumerate(meta["texts"])
                ]
                return chunks, int(meta["sample_rate"])
        except Exception as exc:  # truncated, corrupt or foreign: replaced by the next rendition
            LOG.warning("phrase cache file %s ignored (%s); it will be replaced", path, exc)
            return None

    def _write(self, key: str, entry: Tuple[Chunks, int]) -> None:
        chunks, sample_rate = entry
        meta = {"format": FORMAT, "key": key, "sample_rate": sample_rate}
        meta["texts"] = [text for _, text in chunks]
        arrays = {f"chunk{i}": samples for i, (samples, _) in enumerate(chunks)}
        arrays["meta"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
        temporary = ""
        try:
            handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(handle, "wb") as stream:
                np.savez(stream, **arrays)
            os.replace(temporary, self._path(key))  # atomic: never a half-written entry
            self._stored_on_disk(key, os.path.getsize(self._path(key)))
        except OSError as exc:
            LOG.warning("phrase cache could not write %s: %s", self._path(key), exc)
            if temporary and os.path.exists(temporary):
                os.remove(temporary)

    # -- the folder's bound ---------------------------------------------------------------

    def _files_found(self) -> None:
        """Index the entries already in the folder, oldest use first; trim to the bound."""
        found = []
        for item in os.scandir(self.folder):
            if item.name.endswith(SUFFIX) and item.is_file():
                stat = item.stat()
                found.append((stat.st_mtime_ns, item.name[: -len(SUFFIX)], stat.st_size))
        for _, key, size in sorted(found):
            self._files[key] = size
            self._disk_bytes += size
        self._trim_disk()

    def _used_on_disk(self, key: str) -> None:
        try:
            os.utime(self._path(key))  # the order outlives this process
        except OSError:
            pass
        with self._lock:
            if key in self._files:
                self._files.move_to_end(key)

    def _stored_on_disk(self, key: str, size: int) -> None:
        with self._lock:
            self._disk_bytes += size - self._files.pop(key, 0)
            self._files[key] = size
        self._trim_disk()

    def _trim_disk(self) -> None:
        """Remove the least recently used files until the folder is within its bound."""
        with self._lock:
            evicted = []
            while self._files and self._disk_bytes > self.max_disk_bytes:
                key, size = self._files.popitem(last=False)
                self._disk_bytes -= size
                evicted.append(key)
        for key in evicted:
            try:
                os.remove(self._path(key))
            except OSError as exc:
                LOG.warning("phrase cache could not remove %s: %s", self._path(key), exc)
