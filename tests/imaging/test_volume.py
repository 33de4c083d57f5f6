"""Reading series into volumes: order, HU, geometry, warnings, Enhanced CT, compression."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom.data import get_testdata_file
from pydicom.uid import RLELossless

from imaging import build_volume, group_series, read_ct_volume, read_sources
from tests.imaging.phantom import (
    COLUMN_MM,
    NORMAL,
    ROW_MM,
    SLICE_MM,
    SLICES,
    make_phantom,
    position,
    write_enhanced,
    write_localizer,
    write_series,
)


def test_shuffled_files_and_reversed_instance_numbers_give_the_exact_volume(
    tmp_path: Path,
) -> None:
    phantom = make_phantom()
    shuffled = write_series(tmp_path / "a", phantom, shuffle=True, reverse_instance_numbers=True)
    ordered = write_series(tmp_path / "b", phantom, shuffle=False, reverse_instance_numbers=False)
    volume = read_ct_volume(shuffled)
    assert np.array_equal(volume.hu, phantom.hu)  # HU exact, through both rescales
    assert np.array_equal(read_ct_volume(ordered).hu, volume.hu)
    assert volume.spacing == pytest.approx((SLICE_MM, ROW_MM, COLUMN_MM))
    assert volume.warnings == ()
    # The affine maps voxels to the positions the files were written at.
    for voxel in ((0, 0, 0), (39, 63, 63), (12, 5, 40)):
        mapped = volume.affine @ np.array([*voxel, 1.0])
        assert mapped[:3] == pytest.approx(position(*voxel), abs=1e-4)
    assert [w.name for w in volume.windows] == ["series-1", "series-2"]


def test_pydicoms_bundled_ct_slice_reads_with_its_rescale() -> None:
    path = Path(get_testdata_file("CT_small.dcm"))
    dataset = pydicom.dcmread(path)
    volume = read_ct_volume([path])
    expected = dataset.pixel_array.astype(np.int32) * 1 - 1024
    assert volume.shape == (1, 128, 128)
    assert np.array_equal(volume.hu[0], expected)
    assert (int(volume.hu.min()), int(volume.hu.max())) == (128 - 1024, 2191 - 1024)
    assert volume.spacing[1:] == pytest.approx((0.661468, 0.661468))


def test_enhanced_ct_reads_per_frame_rescale_and_positions(tmp_path: Path) -> None:
    phantom = make_phantom()
    path = tmp_path / "enhanced.dcm"
    write_enhanced(path, phantom, frames=6)
    volume = read_ct_volume([path])
    assert volume.shape == (6, 64, 64)
    for k in range(6):
        index = 5 - k  # stored top-down
        slope = 1 if index % 2 else 4
        assert np.array_equal(volume.hu[k], (phantom.hu[k].astype(np.int32) // slope) * slope)
    assert volume.spacing == pytest.approx((SLICE_MM, ROW_MM, COLUMN_MM))
    # pydicom's apply_rescale misses the functional groups: this is what we guard against.
    raw = pydicom.dcmread(path).pixel_array
    assert not np.array_equal(raw[5], volume.hu[0])


def test_gaps_non_uniform_spacing_tilt_and_localizers_are_reported(tmp_path: Path) -> None:
    phantom = make_phantom()
    missing = read_ct_volume(write_series(tmp_path / "missing", phantom, skip=(10,)))
    assert any("slices missing" in w for w in missing.warnings)
    assert any("non-uniform slice spacing" in w for w in missing.warnings)
    assert missing.shape[0] == SLICES - 1

    tilted = read_ct_volume(write_series(tmp_path / "tilt", phantom, tilt_shift_mm=0.5))
    assert any("gantry tilt" in w for w in tilted.warnings)

    folder = tmp_path / "scout"
    paths = write_series(folder, phantom)
    paths.append(write_localizer(folder, phantom))
    scouted = read_ct_volume(paths)
    assert any("localizer" in w for w in scouted.warnings)
    assert np.array_equal(scouted.hu, phantom.hu)


def test_rle_compressed_slices_decode_to_the_same_hu(tmp_path: Path) -> None:
    phantom = make_phantom()
    paths = write_series(tmp_path / "plain", phantom)
    for path in paths:
        dataset = pydicom.dcmread(path)
        dataset.compress(RLELossless)
        dataset.save_as(path)
    assert pydicom.dcmread(paths[0]).file_meta.TransferSyntaxUID == RLELossless
    assert np.array_equal(read_ct_volume(paths).hu, phantom.hu)


def test_series_are_grouped_by_uid_and_sorted_along_the_normal(tmp_path: Path) -> None:
    phantom = make_phantom()
    series = group_series(read_sources(write_series(tmp_path, phantom)))
    assert [s.uid for s in series] == [phantom.series_uid]
    volume = build_volume(series[0])
    first, last = volume.affine @ [0, 0, 0, 1], volume.affine @ [SLICES - 1, 0, 0, 1]
    assert float(NORMAL @ (last[:3] - first[:3])) == pytest.approx((SLICES - 1) * SLICE_MM)
