"""Multi-planar reformats: axial, coronal and sagittal planes with their spacing in mm.

Planes follow the volume's axes (slice, row, column), named for an ordinary axial
acquisition. A coronal or sagittal plane's rows run along the slice axis, top row =
highest slice (the head, for an axial CT), so a plane looks right only if its
``row_mm`` and ``column_mm`` are honoured; :func:`isotropic` resamples it so they are
equal. Each plane keeps the map from its pixels to patient mm, so measurements stay
exact under any resampling and under gantry-tilt shear.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import cv2
import numpy as np

from .volume import Volume


class Orientation(StrEnum):
    AXIAL = "axial"
    """Plane k of the volume's slices: rows and columns as acquired."""
    CORONAL = "coronal"
    """Plane of one row index: slices top to bottom (highest first), columns across."""
    SAGITTAL = "sagittal"
    """Plane of one column index: slices top to bottom, rows across (front on the left)."""


@dataclass(frozen=True, eq=False)
class PlaneImage:
    """One 2-D plane of a volume, in HU, with how its pixels map to patient mm."""

    hu: np.ndarray
    """int16 HU, shape (rows, columns)."""
    orientation: Orientation
    index: int
    """Which plane of ``orientation`` in the volume."""
    to_patient: np.ndarray
    """4×4 from (row, column, 0, 1) in this plane's pixels to patient mm (LPS)."""

    @property
    def row_mm(self) -> float:
        """Distance between the centres of two neighbouring rows."""
        return float(np.linalg.norm(self.to_patient[:3, 0]))

    @property
    def column_mm(self) -> float:
        """Distance between the centres of two neighbouring columns."""
        return float(np.linalg.norm(self.to_patient[:3, 1]))

    @property
    def pixel_area_mm2(self) -> float:
        # The cross product, not row_mm × column_mm: a sheared pixel is a parallelogram.
        return float(np.linalg.norm(np.cross(self.to_patient[:3, 0], self.to_patient[:3, 1])))

    def patient_mm(self, column: float, row: float) -> np.ndarray:
        """Patient coordinates of a point given as (column, row) = (x, y) on the plane."""
        return (self.to_patient @ np.array([row, column, 0.0, 1.0]))[:3]


def plane_count(volume: Volume, orientation: Orientation) -> int:
    """How many planes of ``orientation`` the volume has."""
    slices, rows, columns = volume.shape
    counts = {Orientation.AXIAL: slices, Orientation.CORONAL: rows, Orientation.SAGITTAL: columns}
    return counts[orientation]


def extract(volume: Volume, orientation: Orientation, index: int) -> PlaneImage:
    """Plane ``index`` of ``orientation``, int16 HU; IndexError outside the volume."""
    count = plane_count(volume, orientation)
    if not 0 <= index < count:
        raise IndexError(f"the volume has {count} {orientation} planes, not {index + 1}")
    top = volume.shape[0] - 1
    # Each map sends (plane row r, plane column c, 0, 1) to (slice, row, column, 1).
    if orientation is Orientation.AXIAL:
        hu = volume.hu[index]
        to_voxel = [[0, 0, 0, index], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1]]
    elif orientation is Orientation.CORONAL:
        hu = volume.hu[::-1, index, :]
        to_voxel = [[-1, 0, 0, top], [0, 0, 0, index], [0, 1, 0, 0], [0, 0, 0, 1]]
    else:
        hu = volume.hu[::-1, :, index]
        to_voxel = [[-1, 0, 0, top], [0, 1, 0, 0], [0, 0, 0, index], [0, 0, 0, 1]]
    return PlaneImage(
        hu=np.ascontiguousarray(hu),
        orientation=orientation,
        index=index,
        to_patient=volume.affine @ np.array(to_voxel, dtype=float),
    )


def isotropic(plane: PlaneImage) -> PlaneImage:
    """The plane resampled (bilinear) so its pixels are square, at the finer spacing.

    For display: a coronal plane of 2.5 mm slices and 0.7 mm columns gets 3.6 times
    as many rows. A plane whose pixels are square already is returned as it is.
    """
    target_mm = min(plane.row_mm, plane.column_mm)
    rows, columns = plane.hu.shape
    new_rows = max(1, round(rows * plane.row_mm / target_mm))
    new_columns = max(1, round(columns * plane.column_mm / target_mm))
    if (new_rows, new_columns) == (rows, columns):
        return plane
    hu = cv2.resize(plane.hu, (new_columns, new_rows), interpolation=cv2.INTER_LINEAR)
    # cv2 aligns pixel centres: old = (new + 0.5) × scale − 0.5 on each axis.
    row_scale, column_scale = rows / new_rows, columns / new_columns
    resampled = np.array(
        [
            [row_scale, 0, 0, (row_scale - 1) / 2],
            [0, column_scale, 0, (column_scale - 1) / 2],
            [0, 0, 1, 0],
            [0, 0, 0, 1],
        ]
    )
    return PlaneImage(hu, plane.orientation, plane.index, plane.to_patient @ resampled)
