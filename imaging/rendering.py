"""Rendering a plane to an image: window, correct aspect in mm, PNG."""

from __future__ import annotations

import cv2
import numpy as np

from .plane import PlaneImage, isotropic
from .window import apply_window


def render(plane: PlaneImage, center: float, width: float) -> np.ndarray:
    """Grey levels (uint8) of the windowed plane, resampled to square pixels."""
    return apply_window(isotropic(plane), center, width)


def render_png(plane: PlaneImage, center: float, width: float) -> bytes:
    ok, encoded = cv2.imencode(".png", render(plane, center, width))
    if not ok:
        raise ValueError("the plane could not be encoded as PNG")
    return bytes(encoded)
