"""Compressed series decode to the same HU, through permissively licensed decoders only."""

from __future__ import annotations

from pathlib import Path

import gdcm
import numpy as np
import pydicom
import pytest
from pydicom.uid import (
    MPEG2MPML,
    JPEG2000Lossless,
    JPEGLosslessSV1,
    JPEGLSLossless,
    RLELossless,
)

from imaging import UnsupportedTransferSyntaxError, read_ct_volume
from imaging.codec import permitted_plugins
from tests.imaging.phantom import Phantom, recompress, write_series


def test_an_rle_series_reads_the_identical_hu(tmp_path: Path, phantom: Phantom) -> None:
    paths = write_series(tmp_path, phantom)
    for path in paths:
        dataset = pydicom.dcmread(path)
        dataset.compress(RLELossless)
        dataset.save_as(path)
    assert pydicom.dcmread(paths[0]).file_meta.TransferSyntaxUID == RLELossless
    assert np.array_equal(read_ct_volume(paths).hu, phantom.hu)


@pytest.mark.parametrize(
    ("syntax", "uid"),
    [
        (gdcm.TransferSyntax.JPEGLosslessProcess14_1, JPEGLosslessSV1),
        (gdcm.TransferSyntax.JPEG2000Lossless, JPEG2000Lossless),
    ],
    ids=["jpeg-lossless-sv1", "jpeg-2000-lossless"],
)
def test_a_series_as_pacs_export_it_reads_the_identical_hu(
    tmp_path: Path, phantom: Phantom, syntax: int, uid: str
) -> None:
    paths = write_series(tmp_path, phantom)
    for path in paths:
        recompress(path, syntax)
    assert pydicom.dcmread(paths[0]).file_meta.TransferSyntaxUID == uid
    assert np.array_equal(read_ct_volume(paths).hu, phantom.hu)


def test_a_transfer_syntax_nothing_decodes_is_a_clear_error(
    tmp_path: Path, phantom: Phantom
) -> None:
    paths = write_series(tmp_path, phantom)
    dataset = pydicom.dcmread(paths[0])
    dataset.compress(RLELossless)
    dataset.file_meta.TransferSyntaxUID = MPEG2MPML  # encapsulated, but not images we read
    dataset.save_as(paths[0])
    with pytest.raises(UnsupportedTransferSyntaxError) as caught:
        read_ct_volume(paths)
    assert caught.value.code == "unsupported-transfer-syntax"
    assert "MPEG2" in caught.value.reason and caught.value.source == paths[0].name


def test_pylibjpeg_is_never_permitted_where_it_would_use_gpl_libjpeg() -> None:
    assert "pylibjpeg" not in permitted_plugins(JPEGLosslessSV1)
    assert "pylibjpeg" not in permitted_plugins(JPEGLSLossless)
    assert "pylibjpeg" in permitted_plugins(JPEG2000Lossless)  # OpenJPEG: BSD-2
    assert permitted_plugins(JPEGLosslessSV1) == ("pydicom", "gdcm", "pillow")
