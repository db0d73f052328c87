"""Results held in memory for a while under an opaque id, with the upload they came from: downloads are made from
them on request and nothing is ever served by a path. Entries expire; the oldest go first when the store holds too
many entries or too many bytes."""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Entry:
    name: str
    data: bytes
    analysis: dict[str, Any]
    created: float = field(default_factory=time.monotonic)
    downloads: dict[str, bytes] = field(default_factory=dict)  # made on first request, kept with the entry

    @property
    def size(self) -> int:
        return len(self.data) + sum(len(d) for d in self.downloads.values())


class ResultStore:
    def __init__(self, ttl: float, capacity: int, max_bytes: int) -> None:
        self.ttl = ttl
        self.capacity = capacity
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, Entry] = OrderedDict()

    def put(self, entry: Entry) -> str:
        self._expire()
        while self._entries and (len(self._entries) >= self.capacity
                                 or sum(e.size for e in self._entries.values()) + entry.size > self.max_bytes):
            self._entries.popitem(last=False)
        key = secrets.token_urlsafe(18)  # 144 random bits: not guessable, not derived from the file
        self._entries[key] = entry
        return key

    def get(self, key: str) -> Entry | None:
        self._expire()
        return self._entries.get(key)

    def _expire(self) -> None:
        now = time.monotonic()
        while self._entries:
            key, entry = next(iter(self._entries.items()))
            if now - entry.created <= self.ttl:
                break
            del self._entries[key]
