"""A recording in progress: track recorders, the timeline, and the seal at the end.

Layout on disk: ``<data_dir>/recordings/<consultation id>/<recording id>/`` with
``track-NNN-<kind>.webm`` per recorded track, ``timeline.jsonl`` and, once sealed,
``manifest.json``. File names never contain anything a client chose.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from media import Producer, TrackRecorder, ntp_to_seconds
from rooms import (
    Manifest,
    RecordedFile,
    RecordingStatus,
    TimelineWriter,
    file_sha256,
    read_timeline,
)
from rooms.recording import MANIFEST, TIMELINE

from .protocol import TrackInfo

logger = logging.getLogger(__name__)

#: Timeline kind of the entry that names a track's file (recovery reads it back).
TRACK_FILE_EVENT = "track-recording"


def wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass
class _Track:
    recorder: TrackRecorder
    info: TrackInfo
    name: str


class Recording:
    """Records every track of one consultation until :meth:`stop`."""

    def __init__(
        self,
        root: Path,
        consultation_id: str,
        started_by: str,
        clock_ms: Callable[[], int] = wall_clock_ms,
    ) -> None:
        self.id = f"{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{uuid.uuid4().hex[:8]}"
        self.consultation_id = consultation_id
        self.started_by = started_by
        self.folder = root / consultation_id / self.id
        self.folder.mkdir(parents=True)
        self._clock_ms = clock_ms
        self.started_at_ms = clock_ms()
        self.timeline = TimelineWriter(self.folder / TIMELINE)
        self._tracks: list[_Track] = []
        self.stopped = False

    def event(self, kind: str, data: dict[str, Any]) -> None:
        """Append an event to the timeline (on the server's clock)."""
        if not self.stopped:
            self.timeline.append(kind, data, self._clock_ms())

    def add(self, producer: Producer, info: TrackInfo) -> None:
        """Record ``producer``; a microphone is aligned to its publisher's camera."""
        if self.stopped:
            return
        name = f"track-{len(self._tracks):03d}-{info.kind}.webm"
        camera = next(
            (
                t.recorder
                for t in self._tracks
                if t.info.participant_id == info.participant_id
                and t.info.source == "camera"
                and not t.recorder.closed
            ),
            None,
        )
        align_to = camera if info.source == "microphone" else None
        recorder = producer.record(self.folder / name, {"track_id": info.track_id}, align_to)
        self._tracks.append(_Track(recorder, info, name))
        self.event(
            TRACK_FILE_EVENT,
            {
                "file": name,
                "participant_id": info.participant_id,
                "kind": info.kind,
                "source": info.source,
                "track_id": info.track_id,
            },
        )

    async def stop(self, status: RecordingStatus = RecordingStatus.COMPLETE) -> Manifest:
        """Close every file and seal the recording. Idempotent."""
        if not self.stopped:
            self.event("recording-stopped", {"status": status.value})
            self.stopped = True
            self.timeline.close()
        files = []
        for track in self._tracks:
            result = track.recorder.close()
            path = self.folder / track.name
            if not path.exists():
                continue  # nothing was written (no keyframe came before the stop)
            files.append(
                RecordedFile(
                    name=track.name,
                    sha256=await asyncio.to_thread(file_sha256, path),
                    bytes=path.stat().st_size,
                    participant_id=track.info.participant_id,
                    kind=track.info.kind,
                    source=track.info.source,
                    start_ms=result.first_wall_ms,
                    end_ms=result.last_wall_ms,
                    sync_ms=(
                        round(1000 * ntp_to_seconds(result.first_ntp))
                        if result.first_ntp is not None
                        else None
                    ),
                )
            )
        return seal(self.folder, self.consultation_id, self.started_by, files, status)


def seal(
    folder: Path,
    consultation_id: str,
    started_by: str,
    files: list[RecordedFile],
    status: RecordingStatus,
) -> Manifest:
    """Write the manifest (atomically: a crash leaves the old state or the new one)."""
    entries = read_timeline(folder / TIMELINE)
    manifest = Manifest(
        recording_id=folder.name,
        consultation_id=consultation_id,
        status=status,
        started_at_ms=entries[0].at_ms if entries else 0,
        ended_at_ms=max([entries[-1].at_ms if entries else 0] + [f.end_ms or 0 for f in files]),
        started_by=started_by,
        files=files,
        timeline_entries=len(entries),
        timeline_final_hash=entries[-1].hash if entries else "",
    )
    temporary = folder / (MANIFEST + ".tmp")
    temporary.write_text(manifest.to_json(), encoding="utf-8")
    temporary.replace(folder / MANIFEST)
    return manifest


def recover_interrupted(root: Path) -> list[Manifest]:
    """Seal every recording a stopped server left unsealed, as interrupted.

    The files stay as they are (they play up to their last flushed second); the
    timeline gets a last entry saying so, and the manifest covers both.
    """
    sealed = []
    for folder in sorted(root.glob("*/*")):
        if not folder.is_dir() or (folder / MANIFEST).exists() or not (folder / TIMELINE).exists():
            continue
        writer = TimelineWriter(folder / TIMELINE)
        entries = read_timeline(folder / TIMELINE)
        started = next((e for e in entries if e.kind == "recording-started"), None)
        writer.append("recording-interrupted", {}, wall_clock_ms())
        writer.close()
        files = []
        for entry in entries:
            if entry.kind != TRACK_FILE_EVENT:
                continue
            path = folder / entry.data["file"]
            if not path.exists():
                continue
            files.append(
                RecordedFile(
                    name=path.name,
                    sha256=file_sha256(path),
                    bytes=path.stat().st_size,
                    participant_id=entry.data["participant_id"],
                    kind=entry.data["kind"],
                    source=entry.data["source"],
                    start_ms=entry.at_ms,
                    end_ms=int(path.stat().st_mtime * 1000),
                    sync_ms=None,
                )
            )
        started_by = started.data.get("by", "") if started else ""
        manifest = seal(folder, folder.parent.name, started_by, files, RecordingStatus.INTERRUPTED)
        logger.warning("recording %s was interrupted; sealed it as such", folder.name)
        sealed.append(manifest)
    return sealed
