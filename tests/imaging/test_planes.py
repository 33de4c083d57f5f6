"""Reformats, windows and measurements on the phantom, in mm and HU."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from imaging import (
    PRESETS,
    Orientation,
    apply_window,
    distance_mm,
    extract,
    inspect_paths,
    plane_count,
    read_ct_volume,
    render_png,
    roi_statistics,
)
from tests.imaging.phantom import (
    COLUMN_MM,
    MARKER_DISTANCE_MM,
    MARKER_SLICE,
    ROW_MM,
    SLICE_MM,
    SPHERE_CENTER_VOXEL,
    make_phantom,
    write_series,
)


@pytest.fixture(scope="module")
def volume(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return read_ct_volume(write_series(tmp_path_factory.mktemp("p"), make_phantom()))


def test_a_known_distance_is_measured_within_half_a_millimetre(volume) -> None:  # type: ignore[no-untyped-def]
    plane = extract(volume, Orientation.AXIAL, MARKER_SLICE)
    rows, columns = np.nonzero(plane.hu == 2000)
    left = (float(columns.min()), float(rows[columns.argmin()]))
    # The second marker spans two columns: its centre is between them.
    right_columns = columns[columns > columns.min()]
    right = (float(right_columns.mean()), float(rows[columns > columns.min()].mean()))
    assert abs(distance_mm(plane, left, right) - MARKER_DISTANCE_MM) < 0.5


def test_roi_statistics_in_hu_and_mm2(volume) -> None:  # type: ignore[no-untyped-def]
    plane = extract(volume, Orientation.AXIAL, 10)
    stats = roi_statistics(plane, (42, 9), (52, 18), "rectangle")  # inside the -500 cube
    assert abs(stats.mean_hu - -500) < 1 and stats.sd_hu == 0
    assert stats.pixels == 11 * 10
    assert stats.area_mm2 == pytest.approx(110 * ROW_MM * COLUMN_MM)
    ellipse = roi_statistics(plane, (42, 9), (52, 18), "ellipse")
    assert ellipse.pixels < stats.pixels and abs(ellipse.mean_hu - -500) < 1


def test_coronal_and_sagittal_planes_have_the_right_mm_aspect_and_contents(volume) -> None:  # type: ignore[no-untyped-def]
    k, j, i = SPHERE_CENTER_VOXEL
    assert plane_count(volume, Orientation.CORONAL) == 64
    coronal = extract(volume, Orientation.CORONAL, j)
    assert (coronal.row_mm, coronal.column_mm) == pytest.approx((SLICE_MM, COLUMN_MM))
    assert coronal.hu.shape == (40, 64)
    # Rows run top = highest slice: slice k is row 39 - k.
    assert coronal.hu[39 - k, i] == 1000
    sagittal = extract(volume, Orientation.SAGITTAL, i)
    assert (sagittal.row_mm, sagittal.column_mm) == pytest.approx((SLICE_MM, ROW_MM))
    assert sagittal.hu[39 - k, j] == 1000
    png = render_png(coronal, 40, 400)
    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE)
    # Square pixels: 40 slices of 2.5 mm by 64 columns of 0.8 mm.
    assert image.shape == (round(40 * SLICE_MM / COLUMN_MM), 64)
    with pytest.raises(IndexError):
        extract(volume, Orientation.SAGITTAL, 64)


def test_window_presets_map_known_hu_to_known_grey_levels() -> None:
    presets = {p.name: (p.center, p.width) for p in PRESETS}
    assert presets["lung"] == (-600, 1500) and presets["bone"] == (400, 1800)
    assert presets["mediastinum"] == (50, 350) and presets["soft-tissue"] == (50, 400)
    assert presets["brain"] == (40, 80) and presets["liver"] == (30, 150)
    hu = np.array([-1000, -150, 40, 250, 1000], dtype=np.int16)
    grey = apply_window(hu, 50, 400)
    # DICOM linear: ((40 - 49.5) / 399 + 0.5) * 255 = 121.4
    assert grey.tolist() == [0, 0, 121, 255, 255]
    assert apply_window(np.array([-600]), -600, 1500).tolist() == [128]


def test_inspection_reports_each_series_with_its_numbers(tmp_path: Path) -> None:
    write_series(tmp_path / "one", make_phantom())
    write_series(tmp_path / "two", make_phantom(), skip=(5,))
    reports = sorted(inspect_paths([tmp_path]), key=lambda r: r.slice_count)
    assert [r.slice_count for r in reports] == [39, 40]
    assert reports[1].spacing_mm == pytest.approx((SLICE_MM, ROW_MM, COLUMN_MM))
    assert (reports[1].hu_min, reports[1].hu_max) == (-1000, 2000)
    assert (reports[1].rows, reports[1].columns) == (64, 64)
    assert reports[1].warnings == () and any("missing" in w for w in reports[0].warnings)
