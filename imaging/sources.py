"""DICOM objects from what an upload hands us: files, folders, and zip archives.

Zip members are read in memory and never extracted, so a member named
``../../etc/cron.d/x`` cannot write anywhere; such names are refused all the same,
since no honest export produces them. The expanded size is bounded.

A file named explicitly must be DICOM. Inside a folder or an archive, files that are
not DICOM at all (a CD's README, ``autorun.inf``, a viewer's ``.exe``) are passed
over, because exports carry them; a DICOM file that is damaged is an error anywhere.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pydicom
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset
from pydicom.errors import InvalidDicomError
from pydicom.uid import UID, ExplicitVRBigEndian, ExplicitVRLittleEndian, ImplicitVRLittleEndian

from .errors import EmptyStudyError, NotDicomError, TruncatedDicomError, UnsafeArchiveError

MAX_UNZIPPED_BYTES = 4 << 30
"""The most an archive may expand to; a 2000-slice 512×512 CT is about 1 GiB."""
MAX_MEMBER_BYTES = 1 << 30
"""Larger zip members are not one DICOM object worth reading."""
_PREAMBLE_BYTES = 128
_UNDEFINED_LENGTH = 0xFFFFFFFF
_NATIVE_SYNTAXES: dict[tuple[bool | None, bool | None], UID] = {
    (True, True): ImplicitVRLittleEndian,
    (False, True): ExplicitVRLittleEndian,
    (False, False): ExplicitVRBigEndian,
}


@dataclass(frozen=True)
class Source:
    """One DICOM object and where it came from."""

    name: str
    """File name, or ``archive.zip:member``; for the uploader's eyes, never for logs."""
    dataset: Dataset
    """The whole object, pixel data still encoded."""


@dataclass(frozen=True)
class _Blob:
    name: str
    data: bytes
    named_explicitly: bool
    """True for a path the caller gave; False for one found in a folder or archive."""


def read_sources(paths: Sequence[Path]) -> list[Source]:
    """Every DICOM object in ``paths`` (files, folders or zips), in reading order.

    Raises :class:`EmptyStudyError` if there is none, and a named error naming the
    file for a file that is not DICOM or is cut short.
    """
    sources = [source for blob in _blobs(paths, named_explicitly=True) if (source := _parse(blob))]
    if not sources:
        raise EmptyStudyError("no DICOM files were found")
    return sources


def _blobs(paths: Sequence[Path], *, named_explicitly: bool) -> Iterator[_Blob]:
    for path in paths:
        if path.is_dir():
            children = sorted(
                p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")
            )
            yield from _blobs(children, named_explicitly=False)
        elif zipfile.is_zipfile(path) and not _has_dicom_preamble(path):
            yield from _zip_members(path)
        else:
            yield _Blob(path.name, path.read_bytes(), named_explicitly)


def _has_dicom_preamble(path: Path) -> bool:
    # A DICOM file's preamble may legally hold anything, even a zip directory's
    # signature; "DICM" after it settles the question.
    with path.open("rb") as file:
        return file.read(_PREAMBLE_BYTES + 4)[_PREAMBLE_BYTES:] == b"DICM"


def _zip_members(path: Path) -> Iterator[_Blob]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise NotDicomError("a damaged zip archive", source=path.name) from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        for member in members:
            if not _is_safe_member_name(member.filename):
                raise UnsafeArchiveError(
                    "the archive has a member whose name leaves the archive", source=path.name
                )
        if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
            raise UnsafeArchiveError(
                "the archive expands beyond the size allowed", source=path.name
            )
        for member in members:
            name = f"{path.name}:{member.filename}"
            if member.file_size > MAX_MEMBER_BYTES:
                raise UnsafeArchiveError(
                    "a member is too large to be one DICOM object", source=name
                )
            if PurePosixPath(member.filename).name.startswith("."):
                continue
            try:
                # zipfile stops at the declared size and checks the CRC, so a
                # member that lies about its size cannot expand further.
                data = archive.read(member)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError):
                raise NotDicomError("a member is damaged or encrypted", source=name) from None
            yield _Blob(name, data, named_explicitly=False)


def _is_safe_member_name(name: str) -> bool:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    absolute = name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":")
    return not absolute and ".." not in parts


def _parse(blob: _Blob) -> Source | None:
    """The blob's DICOM object; None for a non-DICOM file found in a folder or archive."""
    try:
        dataset = _read(blob.data)
    except NotDicomError as exc:
        if blob.named_explicitly:
            raise NotDicomError(exc.reason, source=blob.name) from None
        return None
    except TruncatedDicomError as exc:
        raise TruncatedDicomError(exc.reason, source=blob.name) from None
    return Source(blob.name, dataset)


def _read(data: bytes) -> Dataset:
    dataset: Dataset
    try:
        dataset = pydicom.dcmread(io.BytesIO(data))
    except InvalidDicomError:
        dataset = _read_without_preamble(data)
    except (EOFError, ValueError, OSError, KeyError, TypeError, OverflowError) as exc:
        raise TruncatedDicomError(f"damaged or cut short ({type(exc).__name__})") from None
    if _is_cut_short(dataset):
        raise TruncatedDicomError("the file ends in the middle of an element")
    return dataset


def _read_without_preamble(data: bytes) -> Dataset:
    # Old exports (ACR-NEMA style, some CDs) omit the preamble, and often the file
    # meta; the first element is then in group 0002 or 0008, little-endian.
    if data[:2] not in (b"\x02\x00", b"\x08\x00"):
        raise NotDicomError("not a DICOM file")
    try:
        dataset = pydicom.dcmread(io.BytesIO(data), force=True)
    except Exception:  # forced parsing of junk fails in arbitrary ways
        raise NotDicomError("not a DICOM file") from None
    if "SOPClassUID" not in dataset:
        raise NotDicomError("not a DICOM file")
    # Without file meta, the transfer syntax is the encoding pydicom found.
    syntax = _NATIVE_SYNTAXES.get(dataset.original_encoding)
    if syntax is None:
        raise NotDicomError("not a DICOM file")
    dataset.file_meta.TransferSyntaxUID = syntax
    return dataset


def _is_cut_short(dataset: Dataset) -> bool:
    # pydicom reads a value that the file ends inside of without complaint, shorter
    # than its declared length; the last element is where a cut file shows it.
    tags = list(dataset.keys())
    if not tags:
        return False
    last = dataset.get_item(max(tags))
    return (
        isinstance(last, RawDataElement)
        and last.length != _UNDEFINED_LENGTH
        and last.value is not None
        and len(last.value) < last.length
    )
