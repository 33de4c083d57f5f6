"""Distances in mm and ROI statistics in HU on the phantom's known objects."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from imaging import (
    Orientation,
    PlaneImage,
    RoiShape,
    Volume,
    distance_mm,
    extract,
    isotropic,
    read_ct_volume,
    roi_statistics,
)
from tests.imaging.phantom import (
    AXIAL_MARKER_DISTANCE_MM,
    COLUMN_DIRECTION,
    COLUMN_MM,
    CORONAL_MARKERS,
    CUBE_HU,
    MARKER_HU,
    MARKER_SLICE,
    ROW_MM,
    SPHERE_CENTER_VOXEL,
    SPHERE_HU,
    Phantom,
    position_mm,
    write_series,
)

PIXEL_MM2 = ROW_MM * COLUMN_MM


def markers(plane: PlaneImage) -> tuple[tuple[float, float], tuple[float, float]]:
    """(column, row) of the centres of the two markers on a plane, found in the image.

    A marker may cover two neighbouring pixels; the widest gap separates the two.
    """
    rows, columns = np.nonzero(plane.hu == MARKER_HU)
    order = np.argsort(columns)
    rows, columns = rows[order], columns[order]
    split = int(np.argmax(np.diff(columns))) + 1
    left, right = slice(None, split), slice(split, None)
    return (
        (float(columns[left].mean()), float(rows[left].mean())),
        (float(columns[right].mean()), float(rows[right].mean())),
    )


def test_a_known_distance_on_an_axial_plane_is_measured_within_half_a_millimetre(
    volume: Volume,
) -> None:
    plane = extract(volume, Orientation.AXIAL, MARKER_SLICE)
    assert distance_mm(plane, *markers(plane)) == pytest.approx(AXIAL_MARKER_DISTANCE_MM, abs=0.5)


def test_a_known_distance_across_slices_on_a_coronal_plane(volume: Volume) -> None:
    plane = extract(volume, Orientation.CORONAL, CORONAL_MARKERS[0][1])
    assert distance_mm(plane, *markers(plane)) == pytest.approx(50.0, abs=0.5)
    # Points between pixels and on a resampled plane measure in mm all the same.
    square = isotropic(plane)
    assert distance_mm(square, (0, 0), (30, 40)) == pytest.approx(
        math.hypot(30, 40) * square.column_mm
    )


def test_distances_on_a_gantry_tilted_volume_follow_the_shear(
    tmp_path: Path, phantom: Phantom
) -> None:
    shift = 1.0  # mm per slice: a 21.8° tilt moves the second marker 12 mm off the plane
    volume = read_ct_volume(write_series(tmp_path, phantom, shift_per_slice_mm=shift))
    plane = extract(volume, Orientation.CORONAL, CORONAL_MARKERS[0][1])
    where = [position_mm(*m) + m[0] * shift * COLUMN_DIRECTION for m in CORONAL_MARKERS]
    expected = float(np.linalg.norm(where[1] - where[0]))
    assert expected == pytest.approx(math.hypot(50, 12))
    assert distance_mm(plane, *markers(plane)) == pytest.approx(expected, abs=0.01)


def test_a_rectangle_inside_the_cube_has_its_hu_and_area(volume: Volume) -> None:
    plane = extract(volume, Orientation.AXIAL, 10)
    stats = roi_statistics(plane, (52, 18), (42, 9), RoiShape.RECTANGLE)
    assert stats.mean_hu == pytest.approx(CUBE_HU, abs=1) and stats.sd_hu == 0
    assert (stats.min_hu, stats.max_hu) == (CUBE_HU, CUBE_HU)
    assert stats.pixel_count == 11 * 10  # pixel centres on the edges count
    assert stats.area_mm2 == pytest.approx(10 * COLUMN_MM * 9 * ROW_MM)


def test_an_ellipse_inside_the_sphere_has_its_hu_and_area(volume: Volume) -> None:
    k, j, i = SPHERE_CENTER_VOXEL
    plane = extract(volume, Orientation.AXIAL, k)
    stats = roi_statistics(plane, (i - 4, j - 3), (i + 4, j + 3), RoiShape.ELLIPSE)
    assert stats.mean_hu == pytest.approx(SPHERE_HU, abs=1) and stats.sd_hu == 0
    area = math.pi * (4 * COLUMN_MM) * (3 * ROW_MM)
    assert stats.area_mm2 == pytest.approx(area)
    assert stats.pixel_count * PIXEL_MM2 == pytest.approx(area, rel=0.2)


def test_a_region_across_objects_averages_exactly_what_it_covers(
    volume: Volume, phantom: Phantom
) -> None:
    plane = extract(volume, Orientation.AXIAL, 10)
    stats = roi_statistics(plane, (35, 15), (45, 25), "rectangle")  # as a client sends it
    covered = phantom.hu[10, 15:26, 35:46].astype(float)
    assert stats.mean_hu == pytest.approx(covered.mean())
    assert stats.sd_hu == pytest.approx(covered.std())
    assert (stats.min_hu, stats.max_hu) == (CUBE_HU, 0)


def test_a_region_with_no_pixel_centre_inside_is_refused(volume: Volume) -> None:
    plane = extract(volume, Orientation.AXIAL, 0)
    with pytest.raises(ValueError):
        roi_statistics(plane, (3.2, 3.2), (3.4, 3.4), RoiShape.RECTANGLE)
    with pytest.raises(ValueError):
        roi_statistics(plane, (3, 3), (3, 9), RoiShape.ELLIPSE)
    with pytest.raises(ValueError):
        roi_statistics(plane, (3, 3), (9, 9), "polygon")
