"""Named errors of the imaging package; each has a stable ``code`` and a human reason."""

from __future__ import annotations


class ImagingError(Exception):
    """Base class of every error this package raises on purpose."""

    code = "imaging-error"


class NotDicomError(ImagingError):
    """A file that is not DICOM at all (no preamble and no readable data set)."""

    code = "not-dicom"


class TruncatedDicomError(ImagingError):
    """A DICOM file cut short: its header or pixel data ends early."""

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
    """Slices of one series that cannot form a volume (different sizes or orientations)."""

    code = "inconsistent-series"


class UnsupportedTransferSyntaxError(ImagingError):
    """Compressed pixel data that no installed (permissively licensed) decoder reads."""

    code = "unsupported-compression"


class EmptyStudyError(ImagingError):
    """Nothing to read: no files, or an archive with no DICOM in it."""

    code = "empty-study"


class UnsafeArchiveError(ImagingError):
    """A zip whose member names try to leave the archive, or that expands too far."""

    code = "unsafe-archive"
