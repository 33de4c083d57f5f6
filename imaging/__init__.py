"""DICOM CT: reading series, Hounsfield units, geometry in mm, windows, planes, measurements.

A leaf package: it knows nothing of consultations or the web, and imports only
pydicom, numpy, cv2, permissively licensed decoders and the standard library. The
signaling layer calls it and turns its named errors into replies.
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
from .geometry import SliceGeometry, affine, gantry_tilt_degrees
from .inspection import SeriesReport, inspect_paths, reports_json, reports_text
from .measurement import RoiShape, RoiStatistics, distance_mm, roi_statistics
from .plane import Orientation, PlaneImage, extract, isotropic, plane_count
from .rendering import render, render_png
from .serialization import ENCODING, decode_hu, encode_hu, volume_bytes, volume_metadata
from .series import Series, SliceStack, group_series, stack_slices
from .sources import Source, read_sources
from .study import read_ct_volume
from .volume import Volume, build_volume
from .window import PRESETS, WindowPreset, apply_window, default_window, header_windows

__all__ = [
    "ENCODING",
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
    "RoiShape",
    "RoiStatistics",
    "Series",
    "SeriesReport",
    "SliceGeometry",
    "SliceStack",
    "Source",
    "TruncatedDicomError",
    "UnsafeArchiveError",
    "UnsupportedTransferSyntaxError",
    "Volume",
    "WindowPreset",
    "affine",
    "apply_window",
    "build_volume",
    "decode_hu",
    "default_window",
    "distance_mm",
    "encode_hu",
    "extract",
    "gantry_tilt_degrees",
    "group_series",
    "header_windows",
    "inspect_paths",
    "isotropic",
    "plane_count",
    "read_ct_volume",
    "read_sources",
    "render",
    "render_png",
    "reports_json",
    "reports_text",
    "roi_statistics",
    "stack_slices",
    "volume_bytes",
    "volume_metadata",
]
