"""Reading DICOM files (loose or in a zip) and grouping them into series.

Zip members are read in memory and never extracted, so a member named
``../../etc/passwd`` cannot write anywhere; the expanded size is bounded.
"""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pydicom
from pydicom.dataset import Dataset
from pydicom.errors import InvalidDicomError

from .errors import (
    EmptyStudyError,
    NoPixelDataError,
    NotDicomError,
    TruncatedDicomError,
    UnsafeArchiveError,
)

#: The most a zip may expand to (a 2000-slice 512×512 CT is about 1 GB).
MAX_UNZIPPED_BYTES = 4 << 30
#: Zip members larger than this are not a single DICOM slice.
MAX_MEMBER_BYTES = 512 << 20


@dataclass(frozen=True)
class Source:
    """One DICOM object and where it came from (for messages; never patient data)."""

    name: str
    dataset: Dataset


@dataclass
class Series:
    """The image objects of one SeriesInstanceUID, in reading order (not yet sorted)."""

    uid: str
    modality: str
    description: str
    sources: list[Source] = field(default_factory=list)


def read_sources(paths: Sequence[Path]) -> list[Source]:
    """Every DICOM object in ``paths`` (files, folders or zips), header and pixels.

    A file that is not DICOM, or is cut short, raises a named error naming the file.
    """
    sources = [_parse(name, data) for name, data in _blobs(paths)]
    if not sources:
        raise EmptyStudyError("no DICOM files were found")
    return sources


def _blobs(paths: Sequence[Path]) -> Iterator[tuple[str, bytes]]:
    for path in paths:
        if path.is_dir():
            children = sorted(p for p in path.rglob("*") if p.is_file())
            yield from _blobs(children)
        elif zipfile.is_zipfile(path):
            yield from _zip_members(path)
        else:
            yield path.name, path.read_bytes()


def _zip_members(path: Path) -> Iterator[tuple[str, bytes]]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise NotDicomError(f"{path.name} is a damaged zip archive") from exc
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
            raise UnsafeArchiveError(f"{path.name} expands to more than the allowed size")
        for member in members:
            name = member.filename
            if name.startswith(("/", "\\")) or ".." in Path(name).parts:
                raise UnsafeArchiveError(f"{path.name} contains an unsafe path: {name[:80]!r}")
            if member.file_size > MAX_MEMBER_BYTES:
                raise UnsafeArchiveError(f"{name[:80]!r} in {path.name} is too large")
            if Path(name).name.upper() == "DICOMDIR" or Path(name).name.startswith("."):
                continue
            yield f"{path.name}:{name}", archive.read(member)


def _parse(name: str, data: bytes) -> Source:
    try:
        dataset = pydicom.dcmread(io.BytesIO(data))
    except InvalidDicomError:
        raise NotDicomError(f"{name} is not a DICOM file") from None
    except (EOFError, ValueError, OSError, KeyError, TypeError) as exc:
        raise TruncatedDicomError(
            f"{name} is damaged or cut short ({type(exc).__name__})"
        ) from None
    if "SOPClassUID" not in dataset and "PixelData" not in dataset:
        raise NotDicomError(f"{name} is not a DICOM file")
    return Source(name, dataset)


def group_series(sources: list[Source]) -> list[Series]:
    """Image objects grouped by SeriesInstanceUID, largest series first.

    Objects without pixels (structured reports, presentation states) are left out;
    if nothing with pixels remains, :class:`NoPixelDataError`.
    """
    groups: dict[str, list[Source]] = defaultdict(list)
    for source in sources:
        if "PixelData" in source.dataset:
            groups[str(source.dataset.get("SeriesInstanceUID", ""))].append(source)
    if not groups:
        raise NoPixelDataError("none of the DICOM files contains an image")
    series = [
        Series(
            uid=uid,
            modality=str(members[0].dataset.get("Modality", "")),
            description=str(members[0].dataset.get("SeriesDescription", "")),
            sources=members,
        )
        for uid, members in groups.items()
    ]
    return sorted(series, key=lambda s: -len(s.sources))
