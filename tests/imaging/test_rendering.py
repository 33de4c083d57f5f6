"""Rendered planes: PNG bytes of the windowed plane, at the right mm aspect when asked."""

from __future__ import annotations

import cv2
import numpy as np

from imaging import Orientation, Volume, extract, render, render_png
from tests.imaging.phantom import COLUMN_MM, COLUMNS, SLICE_MM, SLICES, SPHERE_CENTER_VOXEL


def test_a_coronal_png_has_square_pixels_and_the_sphere_in_bone_grey(volume: Volume) -> None:
    k, j, i = SPHERE_CENTER_VOXEL
    png = render_png(extract(volume, Orientation.CORONAL, j), 400, 1800)
    assert png.startswith(b"\x89PNG")
    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_UNCHANGED)
    assert image is not None and image.dtype == np.uint8 and image.ndim == 2
    rows = round(SLICES * SLICE_MM / COLUMN_MM)
    assert image.shape == (rows, COLUMNS)
    # +1000 HU in the bone window (400/1800) is grey 213; the sphere's centre row:
    centre_row = round((SLICES - 1 - k + 0.5) * rows / SLICES - 0.5)
    assert image[centre_row, i] == 213


def test_without_square_pixels_the_plane_keeps_its_shape(volume: Volume) -> None:
    coronal = extract(volume, Orientation.CORONAL, 3)
    assert render(coronal, 40, 400, square_pixels=False).shape == coronal.hu.shape
