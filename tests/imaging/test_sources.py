"""Reading uploads: bad input gets a named error; zips are read in memory, never extracted."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pydicom
import pytest
from pydicom.dataset import FileMetaDataset
from pydicom.uid import ImplicitVRLittleEndian

from imaging import (
    EmptyStudyError,
    NotDicomError,
    TruncatedDicomError,
    UnsafeArchiveError,
    read_ct_volume,
    read_sources,
)
from tests.imaging.bundled import bundled
from tests.imaging.phantom import Phantom


def test_a_text_file_is_not_dicom_and_the_error_names_it(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("患者 CT 报告见附件\n")
    with pytest.raises(NotDicomError) as caught:
        read_sources([path])
    assert caught.value.code == "not-dicom"
    assert caught.value.source == "notes.txt" and "notes.txt" not in caught.value.reason


@pytest.mark.parametrize("keep", [0.5, 0.2, 0.05], ids=["in-pixels", "in-header", "in-meta"])
def test_a_truncated_file_is_reported_as_cut_short(
    tmp_path: Path, phantom_paths: list[Path], keep: float
) -> None:
    data = phantom_paths[0].read_bytes()
    path = tmp_path / "cut.dcm"
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(TruncatedDicomError) as caught:
        read_ct_volume([path])
    assert caught.value.code == "truncated-dicom" and caught.value.source == "cut.dcm"


def test_pydicoms_truncated_mr_file_is_cut_short() -> None:
    with pytest.raises(TruncatedDicomError):
        read_sources([bundled("MR_truncated.dcm")])


def test_a_file_without_preamble_or_meta_is_still_read(
    tmp_path: Path, phantom: Phantom, phantom_paths: list[Path]
) -> None:
    dataset = pydicom.dcmread(phantom_paths[0])
    dataset.preamble = None
    dataset.file_meta = FileMetaDataset()
    bare = tmp_path / "bare.dcm"
    dataset.save_as(bare, implicit_vr=True, little_endian=True, enforce_file_format=False)
    assert bare.read_bytes()[:2] == b"\x08\x00"
    [source] = read_sources([bare])
    assert source.dataset.file_meta.TransferSyntaxUID == ImplicitVRLittleEndian
    volume = read_ct_volume([bare])
    assert any((volume.hu[0] == phantom.hu[k]).all() for k in range(len(phantom.hu)))


def test_a_folder_is_read_recursively_and_its_readme_passed_over(
    tmp_path: Path, phantom: Phantom, phantom_paths: list[Path]
) -> None:
    for n, path in enumerate(phantom_paths):
        (tmp_path / f"DIR{n % 3}").mkdir(exist_ok=True)
        shutil.copy(path, tmp_path / f"DIR{n % 3}" / path.name)
    (tmp_path / "README.TXT").write_text("Burned with a PACS viewer\n")
    assert len(read_sources([tmp_path])) == len(phantom_paths)


def test_a_zip_is_read_in_memory(
    tmp_path: Path, phantom: Phantom, phantom_paths: list[Path]
) -> None:
    archive_path = tmp_path / "study.zip"
    with zipfile.ZipFile(archive_path, "w") as archive:
        for path in phantom_paths:
            archive.write(path, f"DICOM/S1/{path.name}")
        archive.writestr("autorun.inf", "[autorun]\n")
    volume = read_ct_volume([archive_path])
    assert (volume.hu == phantom.hu).all()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["study.zip"]


@pytest.mark.parametrize(
    "name", ["../../outside.dcm", "/etc/outside.dcm", "C:\\outside.dcm", "a\\..\\..\\outside.dcm"]
)
def test_a_zip_with_a_member_name_leaving_the_archive_is_refused(
    tmp_path: Path, phantom_paths: list[Path], name: str
) -> None:
    evil = tmp_path / "upload" / "evil.zip"
    evil.parent.mkdir()
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("ok.dcm", phantom_paths[0].read_bytes())
        archive.writestr(name, phantom_paths[1].read_bytes())
    with pytest.raises(UnsafeArchiveError) as caught:
        read_ct_volume([evil])
    assert caught.value.code == "unsafe-archive"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["evil.zip", "upload"]


def test_an_empty_zip_and_an_empty_upload_are_empty_studies(tmp_path: Path) -> None:
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w"):
        pass
    with pytest.raises(EmptyStudyError):
        read_ct_volume([empty])
    with pytest.raises(EmptyStudyError):
        read_ct_volume([])


def test_a_damaged_zip_is_named(tmp_path: Path, phantom_paths: list[Path]) -> None:
    good = tmp_path / "good.zip"
    with zipfile.ZipFile(good, "w") as archive:
        archive.write(phantom_paths[0], "a.dcm")
    damaged = tmp_path / "damaged.zip"
    data = good.read_bytes()
    damaged.write_bytes(data[:40] + b"\xff" * 40 + data[80:])
    with pytest.raises((NotDicomError, TruncatedDicomError)):
        read_ct_volume([damaged])
