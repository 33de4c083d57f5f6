"""Frames: the 2-D images of a series, with their geometry and modality LUT, no pixels yet.

A classic CT file is one frame whose attributes sit at the top level. An Enhanced CT
file (PS3.3 A.38) holds many frames whose geometry and rescale sit in functional
groups: per frame in PerFrameFunctionalGroupsSequence, else shared by all frames in
SharedFunctionalGroupsSequence (PS3.3 C.7.6.16). pydicom's ``apply_rescale`` reads
only the top level, so it misses them; this module does not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from pydicom.dataset import Dataset

from .errors import InconsistentSeriesError
from .geometry import SliceGeometry
from .sources import Source

LOCALIZER = "LOCALIZER"
"""ImageType / FrameType value 3 of a scout (PS3.3 C.8.2.1.1.1)."""


@dataclass(frozen=True)
class Frame:
    """One 2-D image of a series: where it lies and how its values become HU."""

    source: Source
    index: int
    """Frame number within the source, from 0; always 0 for a single-frame file."""
    geometry: SliceGeometry
    rescale_slope: float
    """RescaleSlope, 1 if absent."""
    rescale_intercept: float
    """RescaleIntercept, 0 if absent."""
    rows: int
    columns: int
    localizer: bool
    """True for a scout image, which never belongs in a volume."""
    thickness_mm: float | None
    """SliceThickness, the fallback spacing of a one-slice volume."""

    @property
    def sop_instance_uid(self) -> str:
        return str(self.source.dataset.get("SOPInstanceUID", ""))

    @property
    def order_key(self) -> tuple[int, str, int]:
        """A deterministic key for choosing between frames at one position."""
        number = self.source.dataset.get("InstanceNumber")
        return (int(number) if number not in (None, "") else 0, self.sop_instance_uid, self.index)

    def to_hu(self, stored: np.ndarray) -> np.ndarray:
        """The modality LUT (PS3.3 C.11.1.1.2): stored values → HU, rounded to int16."""
        if self.rescale_slope == 1 and self.rescale_intercept.is_integer():
            # The common case stays in integers: exact, and no float pass over the pixels.
            hu = stored.astype(np.int32) + int(self.rescale_intercept)
        else:
            hu = np.rint(stored * self.rescale_slope + self.rescale_intercept)
        return np.clip(hu, -32768, 32767).astype(np.int16)


def frames_of(source: Source) -> list[Frame]:
    """The frames of one image object, classic or Enhanced CT."""
    dataset = source.dataset
    if "PerFrameFunctionalGroupsSequence" in dataset or "SharedFunctionalGroupsSequence" in dataset:
        return _enhanced_frames(source)
    _require(source, ("ImagePositionPatient", "ImageOrientationPatient", "PixelSpacing"))
    geometry = SliceGeometry(
        position_mm=_floats(dataset.ImagePositionPatient),
        orientation=_floats(dataset.ImageOrientationPatient),
        pixel_spacing_mm=_floats(dataset.PixelSpacing),
    )
    return [
        Frame(
            source=source,
            index=0,
            geometry=geometry,
            rescale_slope=float(dataset.get("RescaleSlope", 1.0)),
            rescale_intercept=float(dataset.get("RescaleIntercept", 0.0)),
            rows=int(dataset.Rows),
            columns=int(dataset.Columns),
            localizer=is_localizer(dataset.get("ImageType")),
            thickness_mm=_optional_float(dataset.get("SliceThickness")),
        )
    ]


def _enhanced_frames(source: Source) -> list[Frame]:
    dataset = source.dataset
    _require(source, ())
    shared = _first_item(dataset, "SharedFunctionalGroupsSequence") or Dataset()
    per_frame = dataset.get("PerFrameFunctionalGroupsSequence", [])
    frames = []
    for index in range(int(dataset.get("NumberOfFrames", 1))):
        groups = per_frame[index] if index < len(per_frame) else Dataset()

        def group(keyword: str, groups: Dataset = groups) -> Dataset | None:
            # A functional group applies per frame if present there, else shared.
            return _first_item(groups, keyword) or _first_item(shared, keyword)

        position, orientation = group("PlanePositionSequence"), group("PlaneOrientationSequence")
        measures = group("PixelMeasuresSequence")
        if position is None or orientation is None or measures is None:
            raise InconsistentSeriesError(
                f"frame {index + 1} lacks its plane position, orientation or pixel measures",
                source=source.name,
            )
        # Legacy-converted objects may keep the rescale at the top level as well.
        transformation = group("PixelValueTransformationSequence") or dataset
        frame_type = group("CTImageFrameTypeSequence")
        frames.append(
            Frame(
                source=source,
                index=index,
                geometry=SliceGeometry(
                    position_mm=_floats(position.ImagePositionPatient),
                    orientation=_floats(orientation.ImageOrientationPatient),
                    pixel_spacing_mm=_floats(measures.PixelSpacing),
                ),
                rescale_slope=float(transformation.get("RescaleSlope", 1.0)),
                rescale_intercept=float(transformation.get("RescaleIntercept", 0.0)),
                rows=int(dataset.Rows),
                columns=int(dataset.Columns),
                localizer=is_localizer(
                    frame_type.get("FrameType") if frame_type else dataset.get("ImageType")
                ),
                thickness_mm=_optional_float(measures.get("SliceThickness")),
            )
        )
    return frames


def _require(source: Source, keywords: tuple[str, ...]) -> None:
    missing = [k for k in ("Rows", "Columns", *keywords) if k not in source.dataset]
    if missing:
        raise InconsistentSeriesError(f"an image lacks {', '.join(missing)}", source=source.name)


def _first_item(dataset: Dataset, keyword: str) -> Dataset | None:
    sequence = dataset.get(keyword)
    return sequence[0] if sequence else None


def is_localizer(image_type: Iterable[str] | str | None) -> bool:
    """True if an ImageType or FrameType value marks a scout."""
    if image_type is None:
        return False
    values = [image_type] if isinstance(image_type, str) else list(image_type)
    return any(str(v).strip().upper() == LOCALIZER for v in values)


def _floats(values: Iterable[object]) -> tuple[float, ...]:
    try:
        return tuple(float(v) for v in values)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InconsistentSeriesError("a geometry attribute holds something not a number") from None


def _optional_float(value: object) -> float | None:
    try:
        return float(value) if value not in (None, "") else None  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
