"""CT studies: streamed in, checked, kept, served.

An upload is streamed to a temporary folder with a byte limit, read with
``imaging`` in a worker thread, and only then moved into place: a refused or
failed upload leaves nothing behind. Volumes are kept in memory once read.

Two libraries hold studies: a consultation's (uploaded during the call) and a
referral's (sent with it, before any consultation exists); a consultation created
from a referral receives the referral's series with :meth:`StudyLibrary.share`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from aiohttp import StreamReader

from imaging import Volume, read_ct_volume, volume_bytes
from rooms.viewer import SeriesExtent

from .errors import PayloadTooLargeError, StudyNotFoundError

CHUNK_BYTES = 1 << 20
_UPLOAD = "upload"
_EXTENT = "extent.json"


@dataclass(frozen=True)
class Ingested:
    """An upload read and kept: its volume, and the upload's size and SHA-256."""

    volume: Volume
    size_bytes: int
    sha256: str


def extent_of(volume: Volume) -> SeriesExtent:
    slices, rows, columns = volume.shape
    return SeriesExtent(axial=slices, coronal=rows, sagittal=columns)


class StudyLibrary:
    """Series by owner (a consultation id, or a referral's case id), under ``root/<owner>/``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._volumes: dict[tuple[str, str], Volume] = {}
        self._compressed: dict[tuple[str, str], bytes] = {}

    async def ingest(self, owner: str, body: StreamReader, limit: int) -> Ingested:
        """Read one upload (a DICOM file or a zip of one series) into a volume."""
        staging = self.root / ".incoming" / uuid.uuid4().hex
        staging.mkdir(parents=True)
        digest = hashlib.sha256()
        try:
            upload = staging / _UPLOAD
            received = 0
            with upload.open("wb") as handle:
                async for chunk in body.iter_chunked(CHUNK_BYTES):
                    received += len(chunk)
                    if received > limit:
                        raise PayloadTooLargeError(
                            f"the upload is larger than the limit of {limit} bytes"
                        )
                    digest.update(chunk)
                    handle.write(chunk)
            volume = await asyncio.to_thread(read_ct_volume, [upload])
            extent = dataclasses.asdict(extent_of(volume))
            (staging / _EXTENT).write_text(json.dumps(extent), encoding="utf-8")
            final = self.root / owner / _folder_name(volume.series_uid)
            if final.exists():
                await asyncio.to_thread(shutil.rmtree, final)
            final.parent.mkdir(parents=True, exist_ok=True)
            staging.rename(final)
        finally:
            if staging.exists():
                await asyncio.to_thread(shutil.rmtree, staging)
        self._volumes[(owner, volume.series_uid)] = volume
        self._compressed.pop((owner, volume.series_uid), None)
        return Ingested(volume, received, digest.hexdigest())

    async def volume(self, consultation_id: str, series_uid: str) -> Volume:
        """A series of the consultation (read from disk once, then from memory)."""
        key = (consultation_id, series_uid)
        if key not in self._volumes:
            folder = self.root / consultation_id / _folder_name(series_uid)
            if not (folder / _UPLOAD).is_file():
                raise StudyNotFoundError("this consultation has no such series")
            self._volumes[key] = await asyncio.to_thread(read_ct_volume, [folder / _UPLOAD])
        return self._volumes[key]

    async def volume_data(self, consultation_id: str, series_uid: str) -> bytes:
        """The series' HU as zlib-compressed int16, compressed once (about a second for
        300 slices) in a worker thread, then served from memory to every client."""
        key = (consultation_id, series_uid)
        if key not in self._compressed:
            volume = await self.volume(consultation_id, series_uid)
            self._compressed[key] = await asyncio.to_thread(volume_bytes, volume)
        return self._compressed[key]

    def series_uids(self, owner: str) -> list[str]:
        """The series of ``owner``, oldest upload first (so the first stays first)."""
        folder = self.root / owner
        if not folder.exists():
            return []
        series = [p for p in folder.iterdir() if p.is_dir()]
        return [p.name for p in sorted(series, key=lambda p: (p.stat().st_mtime_ns, p.name))]

    async def extents(self, owner: str) -> dict[str, SeriesExtent]:
        """Every series of ``owner`` and its extent (kept beside the upload at ingest;
        a series kept before that is read once and the extent written)."""

        def kept() -> dict[str, SeriesExtent | None]:
            found: dict[str, SeriesExtent | None] = {}
            for uid in self.series_uids(owner):
                path = self.root / owner / uid / _EXTENT
                found[uid] = (
                    SeriesExtent(**json.loads(path.read_text(encoding="utf-8")))
                    if path.is_file()
                    else None
                )
            return found

        extents = {}
        for uid, extent in (await asyncio.to_thread(kept)).items():
            if extent is None:
                extent = extent_of(await self.volume(owner, uid))
                path = self.root / owner / uid / _EXTENT
                path.write_text(json.dumps(dataclasses.asdict(extent)), encoding="utf-8")
            extents[uid] = extent
        return extents

    async def share(self, owner: str, target: StudyLibrary, target_owner: str) -> list[str]:
        """Give ``target_owner`` in ``target`` every series of ``owner`` it lacks (hard
        links where the file system has them: the same bytes, kept once); the series
        UIDs shared."""

        def link() -> list[str]:
            shared = []
            for uid in self.series_uids(owner):
                destination = target.root / target_owner / _folder_name(uid)
                if destination.exists():
                    continue
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copytree(self.root / owner / uid, destination, copy_function=_link)
                shared.append(uid)
            return shared

        return await asyncio.to_thread(link)


def _folder_name(series_uid: str) -> str:
    # UIDs are digits and dots (PS3.5 §9.1); anything else never names a folder.
    if not series_uid or any(c not in "0123456789." for c in series_uid) or ".." in series_uid:
        raise StudyNotFoundError("this consultation has no such series")
    return series_uid


def _link(source: str, destination: str) -> None:
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)
