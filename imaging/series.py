"""Series: image objects grouped by SeriesInstanceUID, and their slices in spatial order.

Ordering follows ImagePositionPatient projected on the slice normal (research note
dicom-anchors §3.2, pitfalls 1–4); what does not fit a regular stack is reported:
localizers and other orientations (left out), duplicates (left out), missing slices,
non-uniform spacing and gantry tilt (kept, with a warning). Each warning starts with
a stable code, then a colon and a human explanation.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .errors import ImagingError, InconsistentSeriesError, NoPixelDataError
from .frame import Frame, frames_of, is_localizer
from .geometry import gantry_tilt_degrees
from .sources import Source

MISSING_SLICE_FACTOR = 1.5
"""A gap more than this many times the median spacing means slices are missing."""
SPACING_TOLERANCE = 0.01
"""Relative deviation of a gap from the median that makes the spacing non-uniform."""
PIXEL_SPACING_TOLERANCE_MM = 1e-3
"""Pixel spacings closer than this are the same (headers round differently)."""
DUPLICATE_TOLERANCE_MM = 0.01
"""Slices closer than this along the normal are at the same position."""
TILT_TOLERANCE_DEGREES = 0.5
"""Gantry tilt above which the volume is reported as sheared."""
DEFAULT_SLICE_SPACING_MM = 1.0
"""Spacing of a one-slice volume that states no SliceThickness either."""


@dataclass(frozen=True)
class Series:
    """The image objects of one SeriesInstanceUID, in reading order."""

    uid: str
    modality: str
    description: str
    """SeriesDescription, e.g. ``Thorax 1.0 B70f``; not patient data."""
    sources: tuple[Source, ...]
    duplicate_objects: int = 0
    """Objects read twice (same SOPInstanceUID) and left out."""

    @property
    def is_localizer_only(self) -> bool:
        """True for a series of scouts only, which some scanners export on their own."""
        return all(is_localizer(s.dataset.get("ImageType")) for s in self.sources)


@dataclass(frozen=True)
class SliceStack:
    """The frames of one series that form a volume, lowest along the normal first."""

    series: Series
    frames: tuple[Frame, ...]
    positions_mm: tuple[float, ...]
    """Each frame's position along the normal."""
    warnings: tuple[str, ...]

    @property
    def slice_spacing_mm(self) -> float:
        """Median distance between neighbouring slices along the normal."""
        if len(self.positions_mm) > 1:
            return float(np.median(np.diff(self.positions_mm)))
        return self.frames[0].thickness_mm or DEFAULT_SLICE_SPACING_MM

    @property
    def slice_step_mm(self) -> np.ndarray:
        """Typical vector from one slice's first pixel to the next one's.

        The median over neighbours, so one missing slice does not stretch it.
        """
        if len(self.frames) > 1:
            positions = np.array([f.geometry.position for f in self.frames])
            return np.median(np.diff(positions, axis=0), axis=0)
        return self.frames[0].geometry.normal * self.slice_spacing_mm


def group_series(sources: Sequence[Source]) -> list[Series]:
    """Image objects grouped by SeriesInstanceUID, largest series first.

    Objects without pixels (structured reports, presentation states, DICOMDIR) are
    left out; if nothing with pixels remains, :class:`NoPixelDataError`.
    """
    groups: dict[str, list[Source]] = defaultdict(list)
    seen: set[str] = set()
    duplicates: dict[str, int] = defaultdict(int)
    for source in sources:
        dataset = source.dataset
        if "PixelData" not in dataset:
            continue
        uid = str(dataset.get("SeriesInstanceUID", ""))
        sop = str(dataset.get("SOPInstanceUID", ""))
        if sop and sop in seen:
            duplicates[uid] += 1
            continue
        seen.add(sop)
        groups[uid].append(source)
    if not groups:
        raise NoPixelDataError("none of the DICOM objects contains an image")
    series = [
        Series(
            uid=uid,
            modality=str(members[0].dataset.get("Modality", "")),
            description=str(members[0].dataset.get("SeriesDescription", "")),
            sources=tuple(members),
            duplicate_objects=duplicates[uid],
        )
        for uid, members in groups.items()
    ]
    return sorted(series, key=lambda s: -len(s.sources))


def stack_slices(series: Series) -> SliceStack:
    """The series' frames sorted along the normal, with what is wrong with them."""
    warnings: list[str] = []
    if series.duplicate_objects:
        warnings.append(
            f"duplicate-objects: {series.duplicate_objects} object(s) read twice, left out"
        )
    frames = [frame for source in series.sources for frame in _frames(source)]
    frames = _without_localizers(frames, warnings)
    if len({(f.rows, f.columns) for f in frames}) != 1:
        raise InconsistentSeriesError("the slices of the series have different sizes")
    spacings = np.array([f.geometry.pixel_spacing_mm for f in frames])
    if np.ptp(spacings, axis=0).max() > PIXEL_SPACING_TOLERANCE_MM:
        raise InconsistentSeriesError("the slices of the series have different pixel spacings")
    frames.sort(key=lambda f: (f.geometry.along_normal_mm(), f.order_key))
    frames = _without_duplicate_positions(frames, warnings)
    positions = [f.geometry.along_normal_mm() for f in frames]
    warnings.extend(_spacing_warnings(np.diff(positions)))
    tilt = gantry_tilt_degrees([f.geometry for f in frames])
    if tilt > TILT_TOLERANCE_DEGREES:
        warnings.append(
            f"gantry-tilt: slices stacked {tilt:.1f}° off their normal; "
            "the volume is sheared and reformats are approximate"
        )
    return SliceStack(series, tuple(frames), tuple(positions), tuple(warnings))


def _frames(source: Source) -> list[Frame]:
    try:
        return frames_of(source)
    except ImagingError as exc:
        exc.source = exc.source or source.name
        raise


def _without_localizers(frames: list[Frame], warnings: list[str]) -> list[Frame]:
    """Frames of the majority orientation that are not scouts."""
    kept = [f for f in frames if not f.localizer]
    if len(kept) < len(frames):
        warnings.append(f"localizer: {len(frames) - len(kept)} localizer image(s) left out")
    if not kept:
        raise InconsistentSeriesError("the series holds only localizer images")
    # Count rounded orientations (linear time), then compare with the tolerance.
    rounded = [tuple(round(c, 3) for c in f.geometry.orientation) for f in kept]
    majority = kept[rounded.index(Counter(rounded).most_common(1)[0][0])]
    aligned = [f for f in kept if f.geometry.same_orientation(majority.geometry)]
    if len(aligned) < len(kept):
        warnings.append(
            f"other-orientation: {len(kept) - len(aligned)} image(s) in another orientation "
            "(likely localizers) left out"
        )
    return aligned


def _without_duplicate_positions(frames: list[Frame], warnings: list[str]) -> list[Frame]:
    """One frame per position: the first by (InstanceNumber, SOPInstanceUID)."""
    kept = frames[:1]
    for frame in frames[1:]:
        gap = frame.geometry.along_normal_mm() - kept[-1].geometry.along_normal_mm()
        if gap > DUPLICATE_TOLERANCE_MM:
            kept.append(frame)
    if len(kept) < len(frames):
        warnings.append(
            f"duplicate-positions: {len(frames) - len(kept)} slice(s) at an occupied "
            "position left out"
        )
    return kept


def _spacing_warnings(gaps: np.ndarray) -> list[str]:
    if len(gaps) == 0:
        return []
    median = float(np.median(gaps))
    warnings = []
    missing = gaps > MISSING_SLICE_FACTOR * median
    if missing.any():
        warnings.append(
            f"missing-slices: {int(missing.sum())} gap(s) wider than "
            f"{MISSING_SLICE_FACTOR}× the {median:.2f} mm spacing"
        )
    regular = gaps[~missing]
    if np.any(np.abs(regular - median) > SPACING_TOLERANCE * median):
        warnings.append(
            f"non-uniform-spacing: gaps from {regular.min():.2f} to {regular.max():.2f} mm "
            f"(median {median:.2f} mm)"
        )
    return warnings
