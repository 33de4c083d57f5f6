"""CT studies uploaded to a consultation: streamed in, checked, kept, served.

An upload is streamed to a temporary folder with a byte limit, read with
``imaging`` in a worker thread, and only then moved into place: a refused or
failed upload leaves nothing behind. Volumes are kept in memory once read.
"""

from __future__ import annotations

import asyncio
import shutil
import uuid
from pathlib import Path

from aiohttp import StreamReader

from imaging import Volume, read_ct_volume, volume_bytes

from .errors import PayloadTooLargeError, StudyNotFoundError

CHUNK_BYTES = 1 << 20


class StudyLibrary:
    """The studies of every consultation, under ``<data_dir>/studies/<consultation id>/``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._volumes: dict[tuple[str, str], Volume] = {}
        self._compressed: dict[tuple[str, str], bytes] = {}

    async def ingest(self, consultation_id: str, body: StreamReader, limit: int) -> Volume:
        """Read one upload (a DICOM file or a zip of one series) into a volume."""
        staging = self.root / ".incoming" / uuid.uuid4().hex
        staging.mkdir(parents=True)
        try:
            upload = staging / "upload"
            received = 0
            with upload.open("wb") as handle:
                async for chunk in body.iter_chunked(CHUNK_BYTES):
                    received += len(chunk)
                    if received > limit:
                        raise PayloadTooLargeError(
                            f"the upload is larger than the limit of {limit} bytes"
                        )
                    handle.write(chunk)
            volume = await asyncio.to_thread(read_ct_volume, [upload])
            final = self.root / consultation_id / _folder_name(volume.series_uid)
            if final.exists():
                await asyncio.to_thread(shutil.rmtree, final)
            final.parent.mkdir(parents=True, exist_ok=True)
            staging.rename(final)
        finally:
            if staging.exists():
                await asyncio.to_thread(shutil.rmtree, staging)
        self._volumes[(consultation_id, volume.series_uid)] = volume
        self._compressed.pop((consultation_id, volume.series_uid), None)
        return volume

    async def volume(self, consultation_id: str, series_uid: str) -> Volume:
        """A series of the consultation (read from disk once, then from memory)."""
        key = (consultation_id, series_uid)
        if key not in self._volumes:
            folder = self.root / consultation_id / _folder_name(series_uid)
            if not (folder / "upload").is_file():
                raise StudyNotFoundError("this consultation has no such series")
            self._volumes[key] = await asyncio.to_thread(read_ct_volume, [folder / "upload"])
        return self._volumes[key]

    async def volume_data(self, consultation_id: str, series_uid: str) -> bytes:
        """The series' HU as zlib-compressed int16, compressed once (about a second for
        300 slices) in a worker thread, then served from memory to every client."""
        key = (consultation_id, series_uid)
        if key not in self._compressed:
            volume = await self.volume(consultation_id, series_uid)
            self._compressed[key] = await asyncio.to_thread(volume_bytes, volume)
        return self._compressed[key]

    def series_uids(self, consultation_id: str) -> list[str]:
        folder = self.root / consultation_id
        return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.exists() else []


def _folder_name(series_uid: str) -> str:
    # UIDs are digits and dots (PS3.5 §9.1); anything else never names a folder.
    if not series_uid or any(c not in "0123456789." for c in series_uid) or ".." in series_uid:
        raise StudyNotFoundError("this consultation has no such series")
    return series_uid
