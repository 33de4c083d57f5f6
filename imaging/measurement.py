"""Measurements on a plane, in millimetres and Hounsfield units.

Points are (column, row) in the plane's pixel coordinates, as a canvas gives them;
the plane's spacing turns them into millimetres.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from .plane import PlaneImage

Point = tuple[float, float]


@dataclass(frozen=True)
class RoiStatistics:
    mean_hu: float
    sd_hu: float
    min_hu: float
    max_hu: float
    pixels: int
    area_mm2: float


def distance_mm(plane: PlaneImage, start: Point, end: Point) -> float:
    dx = (end[0] - start[0]) * plane.column_mm
    dy = (end[1] - start[1]) * plane.row_mm
    return math.hypot(dx, dy)


def roi_statistics(
    plane: PlaneImage, corner: Point, opposite: Point, shape: Literal["rectangle", "ellipse"]
) -> RoiStatistics:
    """Statistics of the pixels whose centres lie in the rectangle (or the ellipse inscribed
    in it) spanned by two corners."""
    rows, columns = np.indices(plane.hu.shape)
    left, right = sorted((corner[0], opposite[0]))
    top, bottom = sorted((corner[1], opposite[1]))
    if shape == "rectangle":
        mask = (columns >= left) & (columns <= right) & (rows >= top) & (rows <= bottom)
    else:
        cx, cy = (left + right) / 2, (top + bottom) / 2
        rx, ry = max((right - left) / 2, 1e-9), max((bottom - top) / 2, 1e-9)
        mask = ((columns - cx) / rx) ** 2 + ((rows - cy) / ry) ** 2 <= 1.0
    values = plane.hu[mask].astype(np.float64)
    if values.size == 0:
        raise ValueError("the region contains no pixel")
    return RoiStatistics(
        mean_hu=float(values.mean()),
        sd_hu=float(values.std()),
        min_hu=float(values.min()),
        max_hu=float(values.max()),
        pixels=int(values.size),
        area_mm2=float(values.size * plane.row_mm * plane.column_mm),
    )
