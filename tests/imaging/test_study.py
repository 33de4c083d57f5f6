"""An upload must hold one CT series; anything else is a named error."""

from __future__ import annotations

from pathlib import Path

import pydicom
import pytest

from imaging import (
    InconsistentSeriesError,
    MixedSeriesError,
    NoPixelDataError,
    NotCtError,
    read_ct_volume,
)
from tests.imaging.bundled import bundled
from tests.imaging.phantom import Phantom, make_phantom, write_localizer, write_series


def test_dicom_without_pixel_data_is_no_image(tmp_path: Path, phantom_paths: list[Path]) -> None:
    dataset = pydicom.dcmread(phantom_paths[0])
    del dataset.PixelData
    header_only = tmp_path / "header.dcm"
    dataset.save_as(header_only)
    report = bundled("test-SR.dcm")
    with pytest.raises(NoPixelDataError) as caught:
        read_ct_volume([header_only, report])
    assert caught.value.code == "no-pixel-data"


def test_a_structured_report_beside_the_images_is_ignored(
    phantom: Phantom, phantom_paths: list[Path]
) -> None:
    volume = read_ct_volume([*phantom_paths, bundled("test-SR.dcm")])
    assert (volume.hu == phantom.hu).all()


def test_mr_is_not_ct(tmp_path: Path, phantom: Phantom) -> None:
    with pytest.raises(NotCtError, match="the series is MR, not CT"):
        read_ct_volume(write_series(tmp_path, phantom, modality="MR"))
    with pytest.raises(NotCtError):
        read_ct_volume([bundled("MR_small.dcm")])


def test_two_series_where_one_is_expected_is_mixed_unless_one_is_chosen(
    tmp_path: Path, phantom: Phantom, phantom_paths: list[Path]
) -> None:
    other = make_phantom()
    paths = [*phantom_paths, *write_series(tmp_path, other)]
    with pytest.raises(MixedSeriesError, match="2 image series") as caught:
        read_ct_volume(paths)
    assert caught.value.code == "mixed-series"
    assert read_ct_volume(paths, series_uid=other.series_uid).series_uid == other.series_uid


def test_a_series_of_scouts_beside_the_images_is_left_out(
    tmp_path: Path, phantom: Phantom, phantom_paths: list[Path]
) -> None:
    scout = write_localizer(tmp_path, pydicom.uid.generate_uid())
    volume = read_ct_volume([*phantom_paths, scout])
    assert (volume.hu == phantom.hu).all()
    assert volume.warnings == ("localizer: 1 series of localizer images left out",)
    with pytest.raises(InconsistentSeriesError, match="only localizer"):
        read_ct_volume([scout])
