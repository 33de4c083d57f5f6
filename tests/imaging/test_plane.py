"""Multi-planar reformats put the phantom's sphere where it is, at the right mm aspect."""

from __future__ import annotations

import numpy as np
import pytest

from imaging import Orientation, PlaneImage, Volume, extract, isotropic, plane_count
from tests.imaging.phantom import (
    COLUMN_MM,
    COLUMNS,
    ROW_MM,
    ROWS,
    SLICE_MM,
    SLICES,
    SPHERE_CENTER_VOXEL,
    SPHERE_HU,
    SPHERE_RADIUS_MM,
    position_mm,
)

SPHERE_CENTER_MM = position_mm(*SPHERE_CENTER_VOXEL)


def sphere_centre_mm(plane: PlaneImage) -> np.ndarray:
    rows, columns = np.nonzero(plane.hu == SPHERE_HU)
    return plane.patient_mm(float(columns.mean()), float(rows.mean()))


def sphere_extent_mm(plane: PlaneImage) -> tuple[float, float]:
    """(height, width) of the sphere's cross-section in mm, pixel centres to centres."""
    rows, columns = np.nonzero(plane.hu == SPHERE_HU)
    return (np.ptp(rows) * plane.row_mm, np.ptp(columns) * plane.column_mm)


def test_each_orientation_has_as_many_planes_as_the_volume_has_along_it(volume: Volume) -> None:
    assert plane_count(volume, Orientation.AXIAL) == SLICES
    assert plane_count(volume, Orientation.CORONAL) == ROWS
    assert plane_count(volume, Orientation.SAGITTAL) == COLUMNS
    with pytest.raises(IndexError):
        extract(volume, Orientation.SAGITTAL, COLUMNS)


@pytest.mark.parametrize(
    ("orientation", "index", "shape", "spacing_mm"),
    [
        (Orientation.AXIAL, SPHERE_CENTER_VOXEL[0], (ROWS, COLUMNS), (ROW_MM, COLUMN_MM)),
        (Orientation.CORONAL, SPHERE_CENTER_VOXEL[1], (SLICES, COLUMNS), (SLICE_MM, COLUMN_MM)),
        (Orientation.SAGITTAL, SPHERE_CENTER_VOXEL[2], (SLICES, ROWS), (SLICE_MM, ROW_MM)),
    ],
)
def test_a_plane_through_the_sphere_shows_it_where_it_is_and_round_in_mm(
    volume: Volume,
    orientation: Orientation,
    index: int,
    shape: tuple[int, int],
    spacing_mm: tuple[float, float],
) -> None:
    plane = extract(volume, orientation, index)
    assert plane.hu.shape == shape and plane.hu.dtype == np.int16
    assert (plane.row_mm, plane.column_mm) == pytest.approx(spacing_mm)
    assert sphere_centre_mm(plane) == pytest.approx(SPHERE_CENTER_MM, abs=0.5)
    height, width = sphere_extent_mm(plane)
    # A diameter in mm, whatever the pixel size, within one pixel of its axis.
    assert abs(height - 2 * SPHERE_RADIUS_MM) <= plane.row_mm + 0.01
    assert abs(width - 2 * SPHERE_RADIUS_MM) <= plane.column_mm + 0.01


def test_coronal_rows_run_from_the_highest_slice_down(volume: Volume) -> None:
    coronal = extract(volume, Orientation.CORONAL, 10)
    assert np.array_equal(coronal.hu[0], volume.hu[SLICES - 1, 10, :])
    assert np.array_equal(coronal.hu[-1], volume.hu[0, 10, :])
    top, bottom = coronal.patient_mm(0, 0), coronal.patient_mm(0, SLICES - 1)
    assert top[2] > bottom[2]  # the top row is nearer the head (LPS +z)


def test_isotropic_resampling_gives_square_pixels_and_keeps_positions(volume: Volume) -> None:
    sagittal = extract(volume, Orientation.SAGITTAL, SPHERE_CENTER_VOXEL[2])
    square = isotropic(sagittal)
    # Square within the rounding of the row count: 40 × 2.5 mm over 143 rows.
    assert square.row_mm == pytest.approx(ROW_MM, rel=0.01)
    assert square.column_mm == pytest.approx(ROW_MM)
    assert square.hu.shape == (round(SLICES * SLICE_MM / ROW_MM), ROWS)
    assert square.hu.dtype == np.int16
    assert sphere_centre_mm(square) == pytest.approx(SPHERE_CENTER_MM, abs=0.5)
    height, width = sphere_extent_mm(square)
    assert abs(height - width) <= 2 * SLICE_MM
    assert isotropic(square) is square
