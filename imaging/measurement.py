"""Measurements on a plane, in millimetres and Hounsfield units.

Points are (column, row) = (x, y) in the plane's pixel coordinates, pixel centres at
whole numbers, as a canvas gives them. Distances go through the plane's map to
patient mm, so they hold on resampled and on sheared (gantry-tilt) planes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from .plane import PlaneImage

Point = tuple[float, float]
"""(column, row) on a plane, in pixels."""


class RoiShape(StrEnum):
    RECTANGLE = "rectangle"
    ELLIPSE = "ellipse"
    """The ellipse inscribed in the rectangle the two corners span."""


@dataclass(frozen=True)
class RoiStatistics:
    """HU statistics of the pixels whose centres lie inside a region."""

    mean_hu: float
    sd_hu: float
    """Population standard deviation, as OHIF and Weasis show."""
    min_hu: int
    max_hu: int
    pixel_count: int
    area_mm2: float
    """Area of the region as drawn, not of the pixels counted, which approximate it."""


def distance_mm(plane: PlaneImage, start: Point, end: Point) -> float:
    """Distance in patient space between two points on ``plane``."""
    return float(np.linalg.norm(plane.patient_mm(*end) - plane.patient_mm(*start)))


def roi_statistics(
    plane: PlaneImage, corner: Point, opposite: Point, shape: RoiShape | str
) -> RoiStatistics:
    """Statistics of the rectangle, or of its inscribed ellipse, spanned by two corners.

    ``shape`` may be the plain string a client sent (``"ellipse"``). Raises ValueError
    for another shape, or if no pixel centre lies inside the region.
    """
    shape = RoiShape(shape)
    left, right = sorted((corner[0], opposite[0]))
    top, bottom = sorted((corner[1], opposite[1]))
    rows, columns = np.ogrid[: plane.hu.shape[0], : plane.hu.shape[1]]
    if shape is RoiShape.RECTANGLE:
        mask = (columns >= left) & (columns <= right) & (rows >= top) & (rows <= bottom)
        area_px = (right - left) * (bottom - top)
    else:
        half_width, half_height = (right - left) / 2, (bottom - top) / 2
        if half_width == 0 or half_height == 0:
            raise ValueError("the ellipse has no area")
        x = (columns - (left + half_width)) / half_width
        y = (rows - (top + half_height)) / half_height
        mask = x**2 + y**2 <= 1.0
        area_px = math.pi * half_width * half_height
    values = plane.hu[mask].astype(np.float64)
    if values.size == 0:
        raise ValueError("no pixel centre lies inside the region")
    return RoiStatistics(
        mean_hu=float(values.mean()),
        sd_hu=float(values.std()),
        min_hu=int(values.min()),
        max_hu=int(values.max()),
        pixel_count=int(values.size),
        area_mm2=float(area_px * plane.pixel_area_mm2),
    )
