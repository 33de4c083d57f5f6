"""A CT volume in Hounsfield units with its geometry in millimetres.

Classic CT (one slice per file) and Enhanced CT (one multi-frame file) become the
same :class:`Volume`. HU come from each frame's own modality LUT: slope and
intercept may differ from slice to slice, and from frame to frame.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from .codec import decode_pixels
from .errors import ImagingError, NotCtError
from .frame import Frame
from .geometry import affine
from .series import Series, stack_slices
from .window import WindowPreset, header_windows


@dataclass(frozen=True, eq=False)
class Volume:
    """HU as int16, shape (slices, rows, columns); slice 0 is the lowest along the normal.

    For an ordinary axial CT that is the slice nearest the feet; rows run front to back
    and columns from the patient's right to left, as on an axial image.
    """

    hu: np.ndarray
    spacing_mm: tuple[float, float, float]
    """(between slices along the normal, between rows, between columns)."""
    affine: np.ndarray
    """4×4 voxel (slice, row, column, 1) → patient mm (LPS)."""
    series_uid: str
    modality: str
    description: str
    """SeriesDescription; not patient data."""
    frame_of_reference_uid: str
    """Points and measurements in patient mm are comparable within this frame."""
    windows: tuple[WindowPreset, ...] = ()
    """The series' own windows from its header, ``series-1``..."""
    warnings: tuple[str, ...] = ()
    """What the stack got wrong (see :mod:`imaging.series`), ``code: explanation``."""

    @property
    def shape(self) -> tuple[int, int, int]:
        slices, rows, columns = self.hu.shape
        return int(slices), int(rows), int(columns)


def build_volume(series: Series) -> Volume:
    """The CT series as a volume: slices sorted along the normal, values in HU."""
    if series.modality != "CT":
        raise NotCtError(f"the series is {series.modality or 'of no modality'}, not CT")
    stack = stack_slices(series)
    first = stack.frames[0]
    row_mm, column_mm = first.geometry.pixel_spacing_mm
    hu = np.empty((len(stack.frames), first.rows, first.columns), dtype=np.int16)
    for slot, frame, pixels in _decoded(stack.frames):
        hu[slot] = frame.to_hu(pixels)
    return Volume(
        hu=hu,
        spacing_mm=(stack.slice_spacing_mm, row_mm, column_mm),
        affine=affine(first.geometry, stack.slice_step_mm),
        series_uid=series.uid,
        modality=series.modality,
        description=series.description,
        frame_of_reference_uid=str(first.source.dataset.get("FrameOfReferenceUID", "")),
        windows=header_windows(first.source.dataset),
        warnings=stack.warnings,
    )


def _decoded(frames: Sequence[Frame]) -> Iterator[tuple[int, Frame, np.ndarray]]:
    """(slot in the volume, frame, stored pixels), decoding each object only once."""
    by_source: dict[int, list[tuple[int, Frame]]] = {}
    for slot, frame in enumerate(frames):
        by_source.setdefault(id(frame.source), []).append((slot, frame))
    for members in by_source.values():
        source = members[0][1].source
        try:
            pixels = decode_pixels(source.dataset)
        except ImagingError as exc:
            exc.source = exc.source or source.name
            raise
        if pixels.ndim == 2:
            pixels = pixels[np.newaxis]
        for slot, frame in members:
            yield slot, frame, pixels[frame.index]
