"""How HU travel to browsers: int16 little-endian, C order, zlib-compressed, plus metadata.

zlib format (RFC 1950, a deflate stream with a 2-byte header and an Adler-32
trailer) is what ``new DecompressionStream("deflate")`` inflates; the inflated
bytes are an ``Int16Array`` on every little-endian browser.
"""

from __future__ import annotations

import zlib
from dataclasses import asdict
from typing import Any

import numpy as np

from .volume import Volume
from .window import PRESETS, default_window

ENCODING = "zlib"
"""RFC 1950; the browser's DecompressionStream calls it ``deflate``."""
COMPRESSION_LEVEL = 1
"""zlib level: CT noise leaves little for higher levels to find, at several times the
CPU (see benchmarks/imaging.py)."""


def encode_hu(hu: np.ndarray, *, level: int = COMPRESSION_LEVEL) -> bytes:
    """HU of a volume, a slab or a plane as compressed int16 little-endian, C order."""
    return zlib.compress(np.ascontiguousarray(hu, dtype="<i2").tobytes(), level)


def volume_bytes(volume: Volume) -> bytes:
    """The whole volume's HU as the browser fetches them once per series."""
    return encode_hu(volume.hu)


def decode_hu(data: bytes, shape: tuple[int, ...]) -> np.ndarray:
    """The inverse of :func:`encode_hu`, given the shape from the metadata."""
    return np.frombuffer(zlib.decompress(data), dtype="<i2").reshape(shape)


def volume_metadata(volume: Volume) -> dict[str, Any]:
    """What a browser needs to lay out and show :func:`volume_bytes` of ``volume``."""
    return {
        "series_uid": volume.series_uid,
        "frame_of_reference_uid": volume.frame_of_reference_uid,
        "modality": volume.modality,
        "description": volume.description,
        "shape": list(volume.shape),
        "dtype": "int16",
        "byte_order": "little",
        "encoding": ENCODING,
        "spacing_mm": [round(s, 6) for s in volume.spacing_mm],
        "affine": np.round(volume.affine, 6).tolist(),
        "default_window": asdict(default_window(volume.windows)),
        "windows": [asdict(w) for w in (*volume.windows, *PRESETS)],
        "warnings": list(volume.warnings),
    }
