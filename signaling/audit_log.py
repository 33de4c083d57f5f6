"""The audit log: who read or changed what, when, from where, and whether it was allowed.

Append-only JSON lines in the data folder, one flushed line per entry. Entries name
objects by id and never contain patient data or tokens.
"""

from __future__ import annotations

import dataclasses
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol


@dataclass(frozen=True)
class AuditEntry:
    at_ms: int
    actor: str
    """The participant or account id of the caller."""
    role: str
    action: str
    """``list``, ``read``, ``play``, ``start``, ``stop``..."""
    object_type: str
    object_id: str
    address: str
    """The client's address, as the server saw it."""
    outcome: Literal["allowed", "refused"] = "allowed"

    @classmethod
    def now(cls, **fields: str) -> AuditEntry:
        return cls(at_ms=time.time_ns() // 1_000_000, **fields)

    def refused(self) -> AuditEntry:
        return dataclasses.replace(self, outcome="refused")


class AuditLog(Protocol):
    def record(self, entry: AuditEntry) -> None: ...

    def entries(self) -> list[AuditEntry]: ...


class FileAuditLog:
    """An :class:`AuditLog` in a JSON-lines file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def record(self, entry: AuditEntry) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(dataclasses.asdict(entry), ensure_ascii=False) + "\n")

    def entries(self) -> list[AuditEntry]:
        if not self.path.exists():
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return [AuditEntry(**json.loads(line)) for line in lines if line]
