"""Slice geometry in millimetres, from ImagePositionPatient and ImageOrientationPatient.

Coordinates are DICOM patient coordinates (LPS: +x to the patient's left, +y to the
back, +z to the head), PS3.3 C.7.6.2.1.1. Slices are ordered by their position
projected on the slice normal, never by InstanceNumber or SliceLocation, which carry
no reliable spatial meaning.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .errors import InconsistentSeriesError

ORIENTATION_TOLERANCE = 1e-3
"""Direction cosines that differ by less than this are the same orientation."""
UNIT_TOLERANCE = 1e-2
"""How far direction cosines may stray from unit length and orthogonality (rounding in
the header) before the orientation is refused."""


@dataclass(frozen=True)
class SliceGeometry:
    """Where one slice lies in the patient coordinate system."""

    position_mm: tuple[float, ...]
    """ImagePositionPatient (3 numbers): the centre of the first (top-left) pixel."""
    orientation: tuple[float, ...]
    """ImageOrientationPatient (6 numbers): direction cosines of a row (the way
    columns increase), then of a column (the way rows increase)."""
    pixel_spacing_mm: tuple[float, ...]
    """PixelSpacing (2 numbers): between rows, between columns."""

    def __post_init__(self) -> None:
        lengths = len(self.position_mm), len(self.orientation), len(self.pixel_spacing_mm)
        if lengths != (3, 6, 2):
            raise InconsistentSeriesError(
                "ImagePositionPatient, ImageOrientationPatient or PixelSpacing "
                "does not hold 3, 6 and 2 numbers"
            )
        row, column = self.row_direction, self.column_direction
        unit = abs(np.linalg.norm(row) - 1) < UNIT_TOLERANCE
        unit = unit and abs(np.linalg.norm(column) - 1) < UNIT_TOLERANCE
        if not unit or abs(float(row @ column)) > UNIT_TOLERANCE:
            raise InconsistentSeriesError(
                "ImageOrientationPatient is not two orthogonal unit vectors"
            )
        if min(self.pixel_spacing_mm) <= 0:
            raise InconsistentSeriesError("PixelSpacing is not positive")

    @property
    def row_direction(self) -> np.ndarray:
        return np.array(self.orientation[:3], dtype=float)

    @property
    def column_direction(self) -> np.ndarray:
        return np.array(self.orientation[3:], dtype=float)

    @property
    def normal(self) -> np.ndarray:
        """Unit normal, row × column: for an axial slice, towards the head."""
        normal = np.cross(self.row_direction, self.column_direction)
        return normal / np.linalg.norm(normal)

    @property
    def position(self) -> np.ndarray:
        return np.array(self.position_mm, dtype=float)

    def along_normal_mm(self) -> float:
        """Distance of the slice from the origin along its normal."""
        return float(self.normal @ self.position)

    def same_orientation(self, other: SliceGeometry) -> bool:
        return bool(np.allclose(self.orientation, other.orientation, atol=ORIENTATION_TOLERANCE))


def affine(first: SliceGeometry, slice_step_mm: np.ndarray) -> np.ndarray:
    """4×4 matrix from voxel (slice k, row j, column i, 1) to patient mm.

    ``slice_step_mm`` is the vector from one slice's first pixel to the next one's;
    under gantry tilt it is not parallel to the normal, and the matrix shears.
    """
    row_spacing, column_spacing = first.pixel_spacing_mm
    matrix = np.eye(4)
    matrix[:3, 0] = slice_step_mm
    matrix[:3, 1] = first.column_direction * row_spacing
    matrix[:3, 2] = first.row_direction * column_spacing
    matrix[:3, 3] = first.position
    return matrix


def gantry_tilt_degrees(geometries: Sequence[SliceGeometry]) -> float:
    """Angle between the slice normal and the line through the slices' positions.

    Zero for an ordinary stack. Computed from the positions, not from GantryDetectorTilt
    (0018,1120), which the standard says is not meant for computation.
    """
    if len(geometries) < 2:
        return 0.0
    step = geometries[-1].position - geometries[0].position
    length = float(np.linalg.norm(step))
    if length == 0:
        return 0.0
    cosine = abs(float(geometries[0].normal @ step)) / length
    return float(np.degrees(np.arccos(min(1.0, cosine))))
