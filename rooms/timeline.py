"""The consultation's timeline: an append-only, hash-chained log of what happened.

Each entry carries the SHA-256 of the previous entry, so deleting, changing,
reordering or inserting an entry breaks the chain at that point, and the final
hash (kept in the recording's manifest) seals the whole log.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class TimelineEntry:
    """One event, on the server's clock (milliseconds since the Unix epoch)."""

    seq: int
    at_ms: int
    kind: str
    """e.g. ``participant-joined``, ``chat``, ``viewer-state``, ``recording-started``."""
    data: dict[str, Any]
    prev_hash: str
    hash: str

    def to_line(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def entry_hash(seq: int, at_ms: int, kind: str, data: dict[str, Any], prev_hash: str) -> str:
    """SHA-256 over a canonical JSON of the entry's content and the previous hash."""
    canonical = json.dumps(
        {"seq": seq, "at_ms": at_ms, "kind": kind, "data": data, "prev_hash": prev_hash},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


class TimelineWriter:
    """Appends entries to a JSON-lines file, one flushed line per entry."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if path.exists():
            _cut_torn_tail(path)
        entries = read_timeline(path) if path.exists() else []
        self.last_hash = entries[-1].hash if entries else GENESIS_HASH
        self.count = len(entries)
        self._file: TextIO | None = path.open("a", encoding="utf-8")

    def append(self, kind: str, data: dict[str, Any], at_ms: int) -> TimelineEntry:
        if self._file is None:
            raise ValueError("the timeline is closed")
        entry = TimelineEntry(
            seq=self.count,
            at_ms=at_ms,
            kind=kind,
            data=data,
            prev_hash=self.last_hash,
            hash=entry_hash(self.count, at_ms, kind, data, self.last_hash),
        )
        self._file.write(entry.to_line() + "\n")
        # Flushed per entry: a killed server loses no event it has acted on.
        self._file.flush()
        self.last_hash = entry.hash
        self.count += 1
        return entry

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def _cut_torn_tail(path: Path) -> None:
    """Drop a half-written last line (a crash mid-write) so appending starts a fresh line."""
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        with path.open("r+b") as handle:
            handle.truncate(data.rfind(b"\n") + 1)


def read_timeline(path: Path) -> list[TimelineEntry]:
    """The entries of a timeline file; a torn last line (a crash mid-write) is skipped."""
    entries = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        try:
            entries.append(TimelineEntry(**json.loads(line)))
        except (json.JSONDecodeError, TypeError):
            if number == len(lines) - 1:
                break
            raise ValueError(f"timeline line {number + 1} is not a timeline entry") from None
    return entries


def chain_breaks(entries: list[TimelineEntry]) -> list[str]:
    """Where the chain does not hold, as sentences naming the entry; empty if intact."""
    problems = []
    prev_hash = GENESIS_HASH
    for position, entry in enumerate(entries):
        if entry.seq != position:
            problems.append(
                f"timeline entry {position} has sequence number {entry.seq} "
                "(an entry was removed or inserted before it)"
            )
        if entry.prev_hash != prev_hash:
            problems.append(f"timeline entry {entry.seq} does not follow the entry before it")
        expected = entry_hash(entry.seq, entry.at_ms, entry.kind, entry.data, entry.prev_hash)
        if entry.hash != expected:
            problems.append(f"timeline entry {entry.seq} ({entry.kind}) was changed")
        prev_hash = entry.hash
    return problems
