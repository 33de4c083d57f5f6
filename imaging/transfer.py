"""How a volume travels to browsers: int16 HU, little-endian, zlib-compressed (RFC 1950).

Browsers inflate it with ``new DecompressionStream("deflate")`` (which is zlib
format) and view it as an ``Int16Array``; the metadata says how to lay it out.
"""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np

from .volume import Volume
from .window import PRESETS


def volume_bytes(volume: Volume) -> bytes:
    return zlib.compress(volume.hu.astype("<i2").tobytes(), level=6)


def volume_metadata(volume: Volume) -> dict[str, Any]:
    return {
        "series_uid": volume.series_uid,
        "modality": volume.modality,
        "description": volume.description,
        "shape": list(volume.shape),
        "spacing_mm": [round(s, 4) for s in volume.spacing],
        "affine": np.round(volume.affine, 6).tolist(),
        "dtype": "int16-le",
        "encoding": "zlib",
        "windows": [
            {"name": w.name, "center": w.center, "width": w.width}
            for w in (*volume.windows, *PRESETS)
        ],
        "warnings": list(volume.warnings),
    }
