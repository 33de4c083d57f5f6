"""Rendering a plane to an image: windowed grey levels, optionally at the right mm aspect.

For thumbnails and the record; the live viewer renders in the browser from HU.
"""

from __future__ import annotations

import cv2
import numpy as np

from .plane import PlaneImage, isotropic
from .window import apply_window


def render(
    plane: PlaneImage, center: float, width: float, *, square_pixels: bool = True
) -> np.ndarray:
    """Grey levels (uint8, rows × columns) of the windowed plane.

    With ``square_pixels`` the plane is first resampled so one image pixel is as
    tall as it is wide in mm; otherwise a coronal plane of thick slices looks squashed.
    """
    shown = isotropic(plane) if square_pixels else plane
    return apply_window(shown.hu, center, width)


def render_png(
    plane: PlaneImage, center: float, width: float, *, square_pixels: bool = True
) -> bytes:
    """The rendered plane as a greyscale PNG file's bytes."""
    ok, encoded = cv2.imencode(".png", render(plane, center, width, square_pixels=square_pixels))
    if not ok:
        raise ValueError("the plane could not be encoded as PNG")
    return encoded.tobytes()
