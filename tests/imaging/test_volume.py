"""Volumes: exact HU through every modality LUT, geometry in mm, Enhanced CT, real files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pydicom
import pytest

from imaging import Volume, WindowPreset, read_ct_volume
from tests.imaging.bundled import bundled
from tests.imaging.phantom import (
    COLUMN_MM,
    NORMAL,
    ROW_MM,
    SLICE_MM,
    SLICES,
    Phantom,
    position_mm,
    write_enhanced,
    write_series,
)


def test_shuffled_files_and_reversed_instance_numbers_give_the_exact_volume(
    tmp_path: Path, phantom: Phantom, volume: Volume
) -> None:
    in_order = write_series(tmp_path, phantom, shuffle=False)
    assert np.array_equal(volume.hu, phantom.hu)  # HU exact through all three encodings
    assert np.array_equal(read_ct_volume(in_order).hu, volume.hu)
    assert volume.hu.dtype == np.int16


def test_the_volume_knows_its_geometry_in_mm(volume: Volume, phantom: Phantom) -> None:
    assert volume.spacing_mm == pytest.approx((SLICE_MM, ROW_MM, COLUMN_MM))
    for voxel in ((0, 0, 0), (SLICES - 1, 63, 63), (12, 5, 40)):
        assert (volume.affine @ [*voxel, 1])[:3] == pytest.approx(position_mm(*voxel), abs=1e-4)
    assert volume.affine[:3, 0] == pytest.approx(NORMAL * SLICE_MM, abs=1e-5)
    assert (volume.series_uid, volume.modality) == (phantom.series_uid, "CT")
    assert volume.frame_of_reference_uid == "1.2.826.0.1.3680043.8.498.2"
    assert volume.windows == (
        WindowPreset("series-1", 40, 400),
        WindowPreset("series-2", -600, 1500),
    )
    assert volume.warnings == ()


def test_enhanced_ct_reads_per_frame_rescale_and_positions(
    tmp_path: Path, phantom: Phantom
) -> None:
    path = tmp_path / "enhanced.dcm"
    write_enhanced(path, phantom)
    stored = pydicom.dcmread(path).pixel_array
    # Frames are stored top-down with different LUTs, so the raw values differ from HU.
    assert not np.array_equal(stored[::-1].astype(np.int32), phantom.hu)
    volume = read_ct_volume([path])
    assert np.array_equal(volume.hu, phantom.hu)
    assert volume.spacing_mm == pytest.approx((SLICE_MM, ROW_MM, COLUMN_MM))
    assert (volume.affine @ [7, 3, 9, 1])[:3] == pytest.approx(position_mm(7, 3, 9), abs=1e-4)
    assert volume.windows == (WindowPreset("series-1", 40, 400),)
    assert volume.warnings == ()


def test_pydicoms_bundled_ct_slice_reads_with_its_header_values() -> None:
    path = bundled("CT_small.dcm")
    stored = pydicom.dcmread(path).pixel_array
    volume = read_ct_volume([path])
    assert volume.shape == (1, 128, 128)
    # RescaleSlope 1, RescaleIntercept -1024; stored values run 128..2191.
    assert np.array_equal(volume.hu[0], stored.astype(np.int32) - 1024)
    assert (int(volume.hu.min()), int(volume.hu.max())) == (128 - 1024, 2191 - 1024)
    # One slice: PixelSpacing 0.661468, SliceThickness 5 mm, origin at ImagePositionPatient.
    assert volume.spacing_mm == pytest.approx((5.0, 0.661468, 0.661468))
    assert volume.affine[:3, 3] == pytest.approx((-158.135803, -179.035797, -75.699997))
    assert volume.description == ""


def test_pydicoms_bundled_jpeg_2000_ct_slice_reads_in_hu() -> None:
    path = bundled("693_J2KI.dcm")
    dataset = pydicom.dcmread(path)
    volume = read_ct_volume([path])
    assert volume.shape == (1, 512, 512)
    assert volume.spacing_mm[1:] == pytest.approx((0.478516, 0.478516))
    # Two independent decoders agree on what the HU are.
    pillow = pydicom.pixels.pixel_array(dataset, decoding_plugin="pillow")
    assert np.array_equal(volume.hu[0], pillow.astype(np.int32) - 1024)
    assert volume.windows == (WindowPreset("series-1", 40, 100),)
