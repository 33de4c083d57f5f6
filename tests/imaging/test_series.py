"""Slices in spatial order, and what does not fit a regular stack reported."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from imaging import (
    InconsistentSeriesError,
    group_series,
    read_ct_volume,
    read_sources,
    stack_slices,
)
from tests.imaging.phantom import (
    COLUMN_DIRECTION,
    SLICE_MM,
    SLICES,
    Phantom,
    position_mm,
    resave,
    write_localizer,
    write_series,
)


def codes(warnings: tuple[str, ...]) -> list[str]:
    return [w.split(":")[0] for w in warnings]


def test_shuffled_files_with_reversed_instance_numbers_sort_along_the_normal(
    phantom: Phantom, phantom_paths: list[Path]
) -> None:
    [series] = group_series(read_sources(phantom_paths))
    stack = stack_slices(series)
    assert np.allclose(np.diff(stack.positions_mm), SLICE_MM)
    numbers = [int(f.source.dataset.InstanceNumber) for f in stack.frames]
    assert numbers == list(range(SLICES, 0, -1))
    assert stack.warnings == ()


def test_a_missing_slice_is_reported_and_not_mistaken_for_irregular_spacing(
    tmp_path: Path, phantom: Phantom
) -> None:
    volume = read_ct_volume(write_series(tmp_path, phantom, skip=(10,)))
    assert codes(volume.warnings) == ["missing-slices"]
    assert volume.shape[0] == SLICES - 1
    assert volume.spacing_mm[0] == pytest.approx(SLICE_MM)
    assert (volume.hu[10] == phantom.hu[11]).all()


def test_non_uniform_spacing_is_reported(tmp_path: Path, phantom: Phantom) -> None:
    # 2.5 mm for the first 20 slices, then 3 mm: irregular, but no slice missing.
    along = [k * 2.5 if k < 20 else 47.5 + (k - 19) * 3.0 for k in range(SLICES)]
    volume = read_ct_volume(write_series(tmp_path, phantom, along_normal_mm=along))
    assert codes(volume.warnings) == ["non-uniform-spacing"]
    assert "2.50 to 3.00 mm" in volume.warnings[0]


def test_gantry_tilt_is_reported_and_the_affine_follows_the_shear(
    tmp_path: Path, phantom: Phantom
) -> None:
    shift = 0.5  # mm per slice along the columns: atan(0.5 / 2.5) = 11.3°
    volume = read_ct_volume(write_series(tmp_path, phantom, shift_per_slice_mm=shift))
    assert codes(volume.warnings) == ["gantry-tilt"]
    assert "11.3°" in volume.warnings[0]
    assert volume.spacing_mm[0] == pytest.approx(SLICE_MM)
    k, j, i = 30, 12, 50
    expected = position_mm(k, j, i) + k * shift * COLUMN_DIRECTION
    assert (volume.affine @ [k, j, i, 1])[:3] == pytest.approx(expected, abs=1e-4)


def test_a_localizer_mixed_into_the_series_is_left_out(tmp_path: Path, phantom: Phantom) -> None:
    paths = write_series(tmp_path, phantom)
    paths.insert(7, write_localizer(tmp_path, phantom.series_uid))
    volume = read_ct_volume(paths)
    assert codes(volume.warnings) == ["localizer"]
    assert (volume.hu == phantom.hu).all()


def test_an_image_in_another_orientation_is_left_out_even_without_the_localizer_flag(
    tmp_path: Path, phantom: Phantom, phantom_paths: list[Path]
) -> None:
    odd = resave(
        phantom_paths[3], tmp_path / "odd.dcm", ImageOrientationPatient=[0, 1, 0, 0, 0, -1]
    )
    volume = read_ct_volume([*phantom_paths, odd])
    assert codes(volume.warnings) == ["other-orientation"]
    assert (volume.hu == phantom.hu).all()


def test_duplicate_files_and_duplicate_positions_are_left_out_and_reported(
    tmp_path: Path, phantom: Phantom, phantom_paths: list[Path]
) -> None:
    copy = tmp_path / "copy.dcm"
    shutil.copy(phantom_paths[5], copy)
    twin = resave(phantom_paths[8], tmp_path / "twin.dcm", InstanceNumber=999)
    volume = read_ct_volume([*phantom_paths, copy, twin])
    assert codes(volume.warnings) == ["duplicate-objects", "duplicate-positions"]
    assert (volume.hu == phantom.hu).all()


def test_slices_of_different_sizes_cannot_form_a_volume(
    tmp_path: Path, phantom_paths: list[Path]
) -> None:
    small = resave(
        phantom_paths[0],
        tmp_path / "small.dcm",
        Rows=32,
        Columns=32,
        PixelData=bytes(32 * 32 * 2),
        ImagePositionPatient=[0.0, 0.0, 500.0],
    )
    with pytest.raises(InconsistentSeriesError, match="different sizes"):
        read_ct_volume([*phantom_paths, small])


def test_slices_with_different_pixel_spacings_cannot_form_a_volume(
    tmp_path: Path, phantom_paths: list[Path]
) -> None:
    coarse = resave(phantom_paths[0], tmp_path / "coarse.dcm", PixelSpacing=[0.9, 0.9])
    with pytest.raises(InconsistentSeriesError, match="different pixel spacings"):
        read_ct_volume([*phantom_paths[1:], coarse])


def test_a_slice_with_nonsense_orientation_is_refused_by_name(
    tmp_path: Path, phantom_paths: list[Path]
) -> None:
    bad = resave(phantom_paths[0], tmp_path / "bad.dcm", ImageOrientationPatient=[0] * 6)
    with pytest.raises(InconsistentSeriesError) as caught:
        read_ct_volume([*phantom_paths[1:], bad])
    assert caught.value.source == "bad.dcm"
