"""Bad input: each kind of wrong file gets its own named error."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pydicom
import pytest

from imaging import (
    EmptyStudyError,
    MixedSeriesError,
    NoPixelDataError,
    NotCtError,
    NotDicomError,
    TruncatedDicomError,
    UnsafeArchiveError,
    read_ct_volume,
)
from tests.imaging.phantom import make_phantom, write_series


def test_a_text_file_is_not_dicom(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("患者 CT 报告见附件\n")
    with pytest.raises(NotDicomError, match=r"notes\.txt is not a DICOM file"):
        read_ct_volume([path])


def test_a_truncated_file_is_named(tmp_path: Path) -> None:
    paths = write_series(tmp_path, make_phantom())
    data = paths[0].read_bytes()
    paths[0].write_bytes(data[: len(data) // 2])
    with pytest.raises(TruncatedDicomError):
        read_ct_volume(paths)


def test_dicom_without_pixel_data(tmp_path: Path) -> None:
    path = write_series(tmp_path, make_phantom())[0]
    dataset = pydicom.dcmread(path)
    del dataset.PixelData
    dataset.save_as(path)
    with pytest.raises(NoPixelDataError):
        read_ct_volume([path])


def test_another_modality_is_not_ct(tmp_path: Path) -> None:
    paths = write_series(tmp_path, make_phantom(), modality="MR")
    with pytest.raises(NotCtError, match="is MR, not CT"):
        read_ct_volume(paths)


def test_two_series_in_one_upload(tmp_path: Path) -> None:
    paths = write_series(tmp_path / "a", make_phantom()) + write_series(
        tmp_path / "b", make_phantom()
    )
    with pytest.raises(MixedSeriesError, match="2 series"):
        read_ct_volume(paths)


def test_zips_are_read_in_memory_and_unsafe_or_empty_ones_refused(tmp_path: Path) -> None:
    phantom = make_phantom()
    paths = write_series(tmp_path / "s", phantom)
    good = tmp_path / "study.zip"
    with zipfile.ZipFile(good, "w") as archive:
        for path in paths:
            archive.write(path, f"CT/{path.name}")
    assert read_ct_volume([good]).shape == phantom.hu.shape

    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("../../outside.dcm", paths[0].read_bytes())
    with pytest.raises(UnsafeArchiveError, match="unsafe path"):
        read_ct_volume([evil])
    assert not (tmp_path.parent / "outside.dcm").exists()

    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w"):
        pass
    with pytest.raises(EmptyStudyError):
        read_ct_volume([empty])
