"""Window/level: from Hounsfield units to grey levels, as DICOM's linear VOI function does.

Clients sync windows as (centre, width) in HU, never as screen-pixel deltas, so every
participant sees the same grey levels whatever their mouse.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pydicom.dataset import Dataset
from pydicom.multival import MultiValue


@dataclass(frozen=True)
class WindowPreset:
    """A named window in HU."""

    name: str
    """A stable key (``lung``, ``series-1``); clients translate it."""
    center: float
    """Window centre (level), HU."""
    width: float
    """Window width, HU; at least 1."""


PRESETS: tuple[WindowPreset, ...] = (
    WindowPreset("lung", -600, 1500),
    WindowPreset("mediastinum", 50, 350),
    WindowPreset("soft-tissue", 50, 400),
    WindowPreset("bone", 400, 1800),
    WindowPreset("brain", 40, 80),
    WindowPreset("liver", 30, 150),
)
"""Radiopaedia's CT windows (research note dicom-anchors §2), as OHIF ships most of them."""


def apply_window(hu: np.ndarray, center: float, width: float) -> np.ndarray:
    """Grey levels 0–255 (uint8) by the default LINEAR VOI function, PS3.3 C.11.2.1.2.1.

    Not the naive ``(hu - (c - w/2)) / w``: DICOM centres on ``c - 0.5`` and spans
    ``w - 1``, which is what PACS viewers show. A width of 1 is a threshold.
    """
    if width < 1:
        raise ValueError("a window width is at least 1")
    values = hu.astype(np.float32)
    low = center - 0.5 - (width - 1) / 2
    if width == 1:
        return np.where(values > low, 255, 0).astype(np.uint8)
    scaled = ((values - (center - 0.5)) / (width - 1) + 0.5) * 255.0
    return np.clip(np.rint(scaled), 0, 255).astype(np.uint8)


def header_windows(dataset: Dataset) -> tuple[WindowPreset, ...]:
    """The windows the series itself suggests, named ``series-1``, ``series-2``...

    From WindowCenter/WindowWidth at the top level, else (Enhanced CT) from the first
    FrameVOILUTSequence in the shared or first per-frame functional groups. Often
    multi-valued: centres ``40\\400`` with widths ``80\\1500``.
    """
    holder = _voi_holder(dataset)
    if holder is None:
        return ()
    windows: list[WindowPreset] = []
    for center, width in zip(
        _values(holder.WindowCenter), _values(holder.WindowWidth), strict=False
    ):
        try:
            pair = float(center), float(width)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue  # a malformed header window is no window; the presets remain
        if pair[1] >= 1:
            windows.append(WindowPreset(f"series-{len(windows) + 1}", *pair))
    return tuple(windows)


def default_window(header: Sequence[WindowPreset]) -> WindowPreset:
    """The window to open with: the series' own first one, else soft tissue."""
    return header[0] if header else next(p for p in PRESETS if p.name == "soft-tissue")


def _voi_holder(dataset: Dataset) -> Dataset | None:
    candidates = [dataset]
    for keyword in ("SharedFunctionalGroupsSequence", "PerFrameFunctionalGroupsSequence"):
        groups = dataset.get(keyword)
        if groups and groups[0].get("FrameVOILUTSequence"):
            candidates.append(groups[0].FrameVOILUTSequence[0])
    return next(
        (c for c in candidates if c.get("WindowCenter") is not None and c.get("WindowWidth")),
        None,
    )


def _values(value: object) -> list[object]:
    return list(value) if isinstance(value, MultiValue) else [value]
