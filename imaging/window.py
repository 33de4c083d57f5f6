"""Window/level: from Hounsfield units to grey levels, as DICOM's linear VOI function does."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class WindowPreset:
    name: str
    """A stable key (``lung``); clients translate it."""
    center: float
    """Window level (centre), HU."""
    width: float
    """Window width, HU."""


#: Radiopaedia's CT windows (research/dicom-anchors.md §2).
PRESETS: tuple[WindowPreset, ...] = (
    WindowPreset("lung", -600, 1500),
    WindowPreset("mediastinum", 50, 350),
    WindowPreset("soft-tissue", 50, 400),
    WindowPreset("bone", 400, 1800),
    WindowPreset("brain", 40, 80),
    WindowPreset("liver", 30, 150),
)


def apply_window(hu: np.ndarray, center: float, width: float) -> np.ndarray:
    """Grey levels 0–255 by DICOM PS3.3 C.11.2.1.2's default LINEAR function.

    Not the naive ``(hu - (c - w/2)) / w``: DICOM centres on ``c - 0.5`` and spans
    ``w - 1``, which is what PACS viewers show.
    """
    if width < 1:
        raise ValueError("a window width is at least 1")
    scaled = ((hu.astype(np.float64) - (center - 0.5)) / (width - 1) + 0.5) * 255.0
    return np.clip(np.rint(scaled), 0, 255).astype(np.uint8)
