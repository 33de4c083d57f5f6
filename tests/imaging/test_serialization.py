"""HU for the browser: zlib-compressed int16 little-endian, and metadata to lay them out."""

from __future__ import annotations

import json
import zlib

import numpy as np

from imaging import ENCODING, PRESETS, Volume, decode_hu, encode_hu, volume_metadata


def test_hu_round_trip_through_zlib_as_int16_little_endian(volume: Volume) -> None:
    data = encode_hu(volume.hu)
    assert ENCODING == "zlib" and data[0] == 0x78  # RFC 1950 header: deflate, 32 KiB window
    raw = zlib.decompress(data)
    assert len(raw) == volume.hu.size * 2
    assert np.frombuffer(raw, "<i2")[:3].tolist() == volume.hu.ravel()[:3].tolist()
    assert np.array_equal(decode_hu(data, volume.shape), volume.hu)
    assert len(data) < len(raw) / 4


def test_metadata_says_how_to_lay_out_and_show_the_volume(volume: Volume) -> None:
    metadata = json.loads(json.dumps(volume_metadata(volume)))
    assert metadata["shape"] == [40, 64, 64]
    assert metadata["dtype"] == "int16" and metadata["byte_order"] == "little"
    assert metadata["encoding"] == "zlib"
    assert np.allclose(metadata["spacing_mm"], volume.spacing_mm)
    assert np.allclose(metadata["affine"], volume.affine, atol=1e-6)
    assert metadata["series_uid"] == volume.series_uid
    assert metadata["default_window"] == {"name": "series-1", "center": 40.0, "width": 400.0}
    assert len(metadata["windows"]) == len(volume.windows) + len(PRESETS)
    assert metadata["warnings"] == []
