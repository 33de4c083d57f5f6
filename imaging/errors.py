"""Named errors of the imaging package, each with a stable ``code`` and a human ``reason``.

The edge turns them into replies. ``reason`` never holds patient data, so it may be
logged; ``source`` names the uploaded file (whose name the uploader chose and which may
contain a patient's name), so it is for the uploader's eyes only and is never logged.
"""

from __future__ import annotations


class ImagingError(Exception):
    """Base class of every error this package raises on purpose."""

    code = "imaging-error"
    """Stable machine-readable key; clients translate it."""

    def __init__(self, reason: str, *, source: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        """What is wrong, in English, without patient data."""
        self.source = source
        """The file (or ``archive.zip:member``) at fault, if one is; not for logs."""

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}" if self.source else self.reason


class NotDicomError(ImagingError):
    """A file that is not DICOM at all."""

    code = "not-dicom"


class TruncatedDicomError(ImagingError):
    """A DICOM file cut short or damaged: its header or its pixel data ends early."""

    code = "truncated-dicom"


class NoPixelDataError(ImagingError):
    """DICOM without an image (a structured report, a DICOMDIR...) where an image is needed."""

    code = "no-pixel-data"


class NotCtError(ImagingError):
    """An image of another modality (MR, US...) where CT is needed."""

    code = "not-ct"


class MixedSeriesError(ImagingError):
    """Several series where exactly one was expected."""

    code = "mixed-series"


class InconsistentSeriesError(ImagingError):
    """Slices of one series that cannot form a volume (different sizes, no geometry)."""

    code = "inconsistent-series"


class UnsupportedTransferSyntaxError(ImagingError):
    """Compressed pixel data that no installed, permissively licensed decoder reads."""

    code = "unsupported-transfer-syntax"


class EmptyStudyError(ImagingError):
    """Nothing to read: no files, or an archive with no DICOM in it."""

    code = "empty-study"


class UnsafeArchiveError(ImagingError):
    """A zip whose member names try to leave the archive, or that expands too far."""

    code = "unsafe-archive"
