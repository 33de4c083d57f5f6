"""Multi-planar reformats: axial, coronal and sagittal planes with their spacing in mm.

Rows of a coronal or sagittal plane run along the slice axis, top = the highest
slice (head up for an ordinary head-first CT); so a plane is shown with the right
aspect only if its ``row_mm`` and ``column_mm`` are honoured.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import cv2
import numpy as np

from .volume import Volume


class Orientation(StrEnum):
    AXIAL = "axial"
    CORONAL = "coronal"
    SAGITTAL = "sagittal"


@dataclass(frozen=True)
class PlaneImage:
    hu: np.ndarray
    """int16 HU, shape (rows, columns)."""
    row_mm: float
    """Distance between two rows, mm."""
    column_mm: float
    """Distance between two columns, mm."""
    orientation: Orientation
    index: int


def plane_count(volume: Volume, orientation: Orientation) -> int:
    """How many planes of ``orientation`` the volume has."""
    slices, rows, columns = volume.shape
    return {Orientation.AXIAL: slices, Orientation.CORONAL: rows, Orientation.SAGITTAL: columns}[
        orientation
    ]


def extract(volume: Volume, orientation: Orientation, index: int) -> PlaneImage:
    """Plane ``index`` of ``orientation``; IndexError outside the volume."""
    count = plane_count(volume, orientation)
    if not 0 <= index < count:
        raise IndexError(f"the {orientation} plane has {count} slices, not {index + 1}")
    slice_mm, row_mm, column_mm = volume.spacing
    if orientation is Orientation.AXIAL:
        return PlaneImage(volume.hu[index], row_mm, column_mm, orientation, index)
    if orientation is Orientation.CORONAL:
        hu = volume.hu[::-1, index, :]
        return PlaneImage(np.ascontiguousarray(hu), slice_mm, column_mm, orientation, index)
    hu = volume.hu[::-1, :, index]
    return PlaneImage(np.ascontiguousarray(hu), slice_mm, row_mm, orientation, index)


def isotropic(plane: PlaneImage) -> np.ndarray:
    """The plane resampled so a pixel is square (the finer spacing on both axes)."""
    target = min(plane.row_mm, plane.column_mm)
    rows, columns = plane.hu.shape
    size = (
        max(1, round(columns * plane.column_mm / target)),
        max(1, round(rows * plane.row_mm / target)),
    )
    return cv2.resize(plane.hu.astype(np.float32), size, interpolation=cv2.INTER_LINEAR)
