"""Geometry as pure functions: normals, affines and tilt from positions, in mm."""

from __future__ import annotations

import numpy as np
import pytest

from imaging import InconsistentSeriesError, SliceGeometry, affine, gantry_tilt_degrees

AXIAL = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0)


def axial_at(z: float, y: float = 0.0) -> SliceGeometry:
    return SliceGeometry((0.0, y, z), AXIAL, (0.5, 0.6))


def test_the_normal_of_an_axial_slice_points_to_the_head() -> None:
    assert axial_at(-40).normal == pytest.approx([0, 0, 1])
    assert axial_at(-40).along_normal_mm() == -40


def test_the_affine_maps_rows_and_columns_with_their_own_spacing() -> None:
    matrix = affine(axial_at(10), np.array([0.0, 0.0, 3.0]))
    # (slice 2, row 4, column 5): x from columns (0.6 mm), y from rows (0.5 mm).
    assert (matrix @ [2, 4, 5, 1])[:3] == pytest.approx([3.0, 2.0, 16.0])


def test_tilt_is_the_angle_between_the_normal_and_the_stacking_direction() -> None:
    assert gantry_tilt_degrees([axial_at(0), axial_at(5)]) == 0
    assert gantry_tilt_degrees([axial_at(0), axial_at(5, y=5)]) == pytest.approx(45)
    assert gantry_tilt_degrees([axial_at(0)]) == 0


def test_an_orientation_that_is_not_two_orthogonal_unit_vectors_is_refused() -> None:
    with pytest.raises(InconsistentSeriesError):
        SliceGeometry((0, 0, 0), (1, 0, 0, 1, 0, 0), (1, 1))
    with pytest.raises(InconsistentSeriesError):
        SliceGeometry((0, 0, 0), AXIAL, (0, 1))
