"""A recording's manifest and its verification.

A recording is a folder: one WebM file per recorded track, ``timeline.jsonl`` and,
once sealed, ``manifest.json``. The manifest lists every file with its SHA-256 and
size, the timeline's entry count and final hash, and the time range; verification
recomputes all of it and names each file changed, added or removed and each
timeline entry changed, removed or added.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from .timeline import chain_breaks, read_timeline

MANIFEST = "manifest.json"
TIMELINE = "timeline.jsonl"
MANIFEST_VERSION = 1


class RecordingStatus(StrEnum):
    COMPLETE = "complete"
    """Stopped on request and sealed then."""
    INTERRUPTED = "interrupted"
    """The server stopped while recording; sealed at its next start."""


@dataclass(frozen=True)
class RecordedFile:
    """One media file of a recording."""

    name: str
    """File name inside the recording folder."""
    sha256: str
    bytes: int
    participant_id: str
    kind: str
    """``audio`` or ``video``."""
    source: str
    """``camera``, ``microphone``, ``screen`` or ``screen-audio``."""
    start_ms: int | None
    """Server time of its first frame (ms since the epoch); ``None`` if nothing was written."""
    end_ms: int | None
    sync_ms: int | None
    """Capture time of its first frame on its publisher's clock (from RTCP sender reports),
    in ms: one publisher's files line up by it (lip sync); ``None`` if unknown."""


@dataclass(frozen=True)
class Manifest:
    recording_id: str
    consultation_id: str
    status: RecordingStatus
    started_at_ms: int
    ended_at_ms: int
    started_by: str
    files: list[RecordedFile]
    timeline_entries: int
    timeline_final_hash: str
    version: int = MANIFEST_VERSION

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data: dict[str, Any] = json.loads(text)
        data["status"] = RecordingStatus(data["status"])
        data["files"] = [RecordedFile(**f) for f in data["files"]]
        return cls(**data)

    def sha256(self) -> str:
        """The digest a signed opinion covers (over the manifest's canonical JSON)."""
        return hashlib.sha256(self.to_json().encode()).hexdigest()


@dataclass(frozen=True)
class Finding:
    """One thing verification found wrong."""

    what: str
    """``changed``, ``added``, ``removed``, ``timeline`` or ``manifest``."""
    subject: str
    """The file name, or the timeline entry."""
    detail: str


@dataclass
class Verification:
    recording_id: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(folder: Path) -> Manifest:
    return Manifest.from_json((folder / MANIFEST).read_text(encoding="utf-8"))


def verify_recording(folder: Path) -> Verification:
    """Check a sealed recording folder against its manifest."""
    try:
        manifest = read_manifest(folder)
    except (OSError, ValueError, TypeError, KeyError) as exc:
        result = Verification(folder.name)
        result.findings.append(Finding("manifest", MANIFEST, f"unreadable: {exc}"))
        return result
    result = Verification(manifest.recording_id)
    listed = {f.name: f for f in manifest.files}
    present = {p.name for p in folder.iterdir() if p.is_file()} - {MANIFEST, TIMELINE}
    for name in sorted(listed.keys() - present):
        result.findings.append(Finding("removed", name, "listed in the manifest, missing"))
    for name in sorted(present - listed.keys()):
        result.findings.append(Finding("added", name, "not listed in the manifest"))
    for name in sorted(listed.keys() & present):
        path = folder / name
        expected = listed[name]
        size = path.stat().st_size
        if size != expected.bytes or file_sha256(path) != expected.sha256:
            result.findings.append(
                Finding("changed", name, f"SHA-256 differs ({size} bytes, sealed {expected.bytes})")
            )
    result.findings.extend(_timeline_findings(folder / TIMELINE, manifest))
    return result


def _timeline_findings(path: Path, manifest: Manifest) -> list[Finding]:
    if not path.exists():
        return [Finding("removed", TIMELINE, "the timeline is missing")]
    try:
        entries = read_timeline(path)
    except ValueError as exc:
        return [Finding("timeline", TIMELINE, str(exc))]
    findings = [Finding("timeline", TIMELINE, problem) for problem in chain_breaks(entries)]
    sealed = manifest.timeline_entries
    if len(entries) > sealed:
        for entry in entries[sealed:]:
            findings.append(
                Finding("added", f"timeline entry {entry.seq}", f"{entry.kind}, after the seal")
            )
    elif len(entries) < sealed:
        findings.append(
            Finding("removed", TIMELINE, f"{sealed - len(entries)} of {sealed} entries are gone")
        )
    if len(entries) >= sealed > 0 and entries[sealed - 1].hash != manifest.timeline_final_hash:
        findings.append(
            Finding("timeline", TIMELINE, "the sealed final hash does not match the timeline")
        )
    return findings
