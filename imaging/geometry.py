"""Slice geometry in millimetres, from ImagePositionPatient and ImageOrientationPatient.

Slices are ordered by their position projected on the slice normal, never by
InstanceNumber or SliceLocation, which carry no reliable spatial meaning.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Orientation cosines that differ by less than this are the same orientation.
ORIENTATION_TOLERANCE = 1e-3


@dataclass(frozen=True)
class SliceGeometry:
    """Where one slice lies in the patient coordinate system (LPS, mm)."""

    position: tuple[float, float, float]
    """ImagePositionPatient: the centre of the first (top-left) pixel."""
    orientation: tuple[float, float, float, float, float, float]
    """ImageOrientationPatient: direction cosines of a row, then of a column."""
    pixel_spacing: tuple[float, float]
    """PixelSpacing: (between rows, between columns) in mm."""

    @property
    def row_direction(self) -> np.ndarray:
        return np.array(self.orientation[:3], dtype=float)

    @property
    def column_direction(self) -> np.ndarray:
        return np.array(self.orientation[3:], dtype=float)

    @property
    def normal(self) -> np.ndarray:
        return np.cross(self.row_direction, self.column_direction)

    def along_normal(self) -> float:
        """Distance of the slice from the origin along its normal, in mm."""
        return float(self.normal @ np.array(self.position, dtype=float))

    def same_orientation(self, other: SliceGeometry) -> bool:
        return bool(np.allclose(self.orientation, other.orientation, atol=ORIENTATION_TOLERANCE))


def affine(first: SliceGeometry, slice_step: np.ndarray) -> np.ndarray:
    """4×4 matrix from voxel (slice k, row j, column i, 1) to patient mm (LPS).

    ``slice_step`` is the vector from one slice's first pixel to the next one's.
    """
    row_spacing, column_spacing = first.pixel_spacing
    matrix = np.eye(4)
    matrix[:3, 0] = slice_step
    matrix[:3, 1] = first.column_direction * row_spacing
    matrix[:3, 2] = first.row_direction * column_spacing
    matrix[:3, 3] = first.position
    return matrix


def gantry_tilt_degrees(geometries: list[SliceGeometry]) -> float:
    """Angle between the slice normal and the line through the slices' positions.

    Zero for an ordinary stack; non-zero when the gantry was tilted, which shears the
    volume (a multi-planar reformat then needs resampling, or a warning).
    """
    if len(geometries) < 2:
        return 0.0
    step = np.array(geometries[-1].position) - np.array(geometries[0].position)
    length = float(np.linalg.norm(step))
    if length == 0:
        return 0.0
    cosine = abs(float(geometries[0].normal @ step)) / length
    return float(np.degrees(np.arccos(min(1.0, cosine))))
