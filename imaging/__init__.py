"""DICOM CT: reading series, Hounsfield units, geometry in mm, windows, planes, measurements.

Knows nothing of consultations or the web: the signaling layer calls it.
"""

from .errors import (
    EmptyStudyError,
    ImagingError,
    InconsistentSeriesError,
    MixedSeriesError,
    NoPixelDataError,
    NotCtError,
    NotDicomError,
    TruncatedDicomError,
    UnsafeArchiveError,
    UnsupportedTransferSyntaxError,
)
from .inspection import SeriesReport, inspect_paths, reports_json
from .measurement import RoiStatistics, distance_mm, roi_statistics
from .plane import Orientation, PlaneImage, extract, isotropic, plane_count
from .rendering import render, render_png
from .series import Series, group_series, read_sources
from .study import read_ct_volume
from .transfer import volume_bytes, volume_metadata
from .volume import Volume, build_volume
from .window import PRESETS, WindowPreset, apply_window

__all__ = [
    "PRESETS",
    "EmptyStudyError",
    "ImagingError",
    "InconsistentSeriesError",
    "MixedSeriesError",
    "NoPixelDataError",
    "NotCtError",
    "NotDicomError",
    "Orientation",
    "PlaneImage",
    "RoiStatistics",
    "Series",
    "SeriesReport",
    "TruncatedDicomError",
    "UnsafeArchiveError",
    "UnsupportedTransferSyntaxError",
    "Volume",
    "WindowPreset",
    "apply_window",
    "build_volume",
    "distance_mm",
    "extract",
    "group_series",
    "inspect_paths",
    "isotropic",
    "plane_count",
    "read_ct_volume",
    "read_sources",
    "render",
    "render_png",
    "reports_json",
    "roi_statistics",
    "volume_bytes",
    "volume_metadata",
]
