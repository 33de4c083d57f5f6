"""A CT volume in Hounsfield units with its geometry in millimetres.

Classic CT (one slice per file) and Enhanced CT (one multi-frame file whose
geometry and rescale sit in the functional groups, which pydicom's
``apply_rescale`` does not look at) both become the same :class:`Volume`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from pydicom.dataset import Dataset
from pydicom.multival import MultiValue

from .errors import (
    InconsistentSeriesError,
    NotCtError,
    TruncatedDicomError,
    UnsupportedTransferSyntaxError,
)
from .geometry import SliceGeometry, affine, gantry_tilt_degrees
from .series import Series
from .window import WindowPreset

ENHANCED_CT = "1.2.840.10008.5.1.4.1.1.2.1"
LOCALIZER = "LOCALIZER"
#: Relative deviation of a gap from the median that counts as non-uniform spacing.
SPACING_TOLERANCE = 0.01
#: A gap this many times the median spacing means slices are missing.
MISSING_SLICE_FACTOR = 1.5
#: Tilt (degrees) above which the volume is reported as sheared.
TILT_TOLERANCE_DEGREES = 0.5


@dataclass(frozen=True)
class Volume:
    """HU as int16, shape (slices, rows, columns); index 0 is the lowest along the normal."""

    hu: np.ndarray
    spacing: tuple[float, float, float]
    """(between slices, between rows, between columns) in mm."""
    affine: np.ndarray
    """4×4 voxel (slice, row, column) → patient mm (LPS)."""
    series_uid: str
    modality: str
    description: str
    windows: tuple[WindowPreset, ...] = ()
    """The series' own windows (WindowCenter/WindowWidth), named ``series-1``..."""
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def shape(self) -> tuple[int, int, int]:
        return (int(self.hu.shape[0]), int(self.hu.shape[1]), int(self.hu.shape[2]))


@dataclass(frozen=True)
class _Frame:
    pixels: np.ndarray
    geometry: SliceGeometry
    slope: float
    intercept: float


def build_volume(series: Series) -> Volume:
    """The volume of a CT series: frames sorted along the normal, converted to HU."""
    if series.modality != "CT":
        raise NotCtError(
            f"series {series.uid[-12:]} is {series.modality or 'of no modality'}, not CT"
        )
    warnings: list[str] = []
    frames: list[_Frame] = []
    for source in series.sources:
        frames.extend(_frames(source.dataset, source.name))
    frames = _drop_localizers(frames, series, warnings)
    shapes = {f.pixels.shape for f in frames}
    if len(shapes) != 1:
        raise InconsistentSeriesError("the slices of the series have different sizes")
    frames.sort(key=lambda f: f.geometry.along_normal())
    positions = np.array([f.geometry.along_normal() for f in frames])
    gaps = np.diff(positions)
    warnings.extend(_spacing_warnings(gaps))
    geometries = [f.geometry for f in frames]
    tilt = gantry_tilt_degrees(geometries)
    if tilt > TILT_TOLERANCE_DEGREES:
        warnings.append(
            f"gantry tilt of {tilt:.1f}°: the volume is sheared; reformats are approximate"
        )
    hu = np.stack([_to_hu(f) for f in frames])
    slice_spacing = float(np.median(gaps)) if len(gaps) else _thickness(series)
    first = geometries[0]
    if len(frames) > 1:
        step = (np.array(geometries[-1].position) - np.array(first.position)) / (len(frames) - 1)
    else:
        step = first.normal * slice_spacing
    dataset = series.sources[0].dataset
    return Volume(
        hu=hu,
        spacing=(slice_spacing, first.pixel_spacing[0], first.pixel_spacing[1]),
        affine=affine(first, step),
        series_uid=series.uid,
        modality=series.modality,
        description=series.description,
        windows=_series_windows(dataset),
        warnings=tuple(warnings),
    )


def _frames(dataset: Dataset, name: str) -> list[_Frame]:
    pixels = _pixels(dataset, name)
    if "PerFrameFunctionalGroupsSequence" in dataset or str(dataset.SOPClassUID) == ENHANCED_CT:
        return _enhanced_frames(dataset, pixels)
    try:
        geometry = SliceGeometry(
            position=_floats(dataset.ImagePositionPatient, 3),
            orientation=_floats(dataset.ImageOrientationPatient, 6),
            pixel_spacing=_floats(dataset.PixelSpacing, 2),
        )
    except AttributeError as exc:
        raise InconsistentSeriesError(f"{name} lacks slice geometry ({exc.args[0]})") from None
    slope = float(dataset.get("RescaleSlope", 1.0))
    intercept = float(dataset.get("RescaleIntercept", 0.0))
    return [_Frame(pixels, geometry, slope, intercept)]


def _enhanced_frames(dataset: Dataset, pixels: np.ndarray) -> list[_Frame]:
    shared = dataset.get("SharedFunctionalGroupsSequence", [Dataset()])[0]
    per_frame = dataset.get("PerFrameFunctionalGroupsSequence", [])
    if pixels.ndim == 2:
        pixels = pixels[np.newaxis]
    frames = []
    for index in range(pixels.shape[0]):
        groups = per_frame[index] if index < len(per_frame) else Dataset()

        def item(sequence: str, groups: Dataset = groups) -> Dataset:
            # A functional group is per frame if present there, else shared.
            for source in (groups, shared):
                if sequence in source and len(source[sequence].value):
                    return source[sequence].value[0]
            raise InconsistentSeriesError(f"an Enhanced CT frame lacks {sequence}")

        measures = item("PixelMeasuresSequence")
        transformation = item("PixelValueTransformationSequence")
        frames.append(
            _Frame(
                pixels[index],
                SliceGeometry(
                    position=_floats(item("PlanePositionSequence").ImagePositionPatient, 3),
                    orientation=_floats(
                        item("PlaneOrientationSequence").ImageOrientationPatient, 6
                    ),
                    pixel_spacing=_floats(measures.PixelSpacing, 2),
                ),
                float(transformation.get("RescaleSlope", 1.0)),
                float(transformation.get("RescaleIntercept", 0.0)),
            )
        )
    return frames


def _pixels(dataset: Dataset, name: str) -> np.ndarray:
    try:
        return np.asarray(dataset.pixel_array)
    except (NotImplementedError, RuntimeError) as exc:
        syntax = dataset.file_meta.get("TransferSyntaxUID", "unknown")
        raise UnsupportedTransferSyntaxError(
            f"{name}: no installed decoder reads transfer syntax {getattr(syntax, 'name', syntax)}"
        ) from exc
    except (ValueError, EOFError, AttributeError) as exc:
        raise TruncatedDicomError(f"{name}: the pixel data is damaged or cut short") from exc


def _drop_localizers(frames: list[_Frame], series: Series, warnings: list[str]) -> list[_Frame]:
    """Keep the frames of the majority orientation; scouts are reported and left out."""
    types = [str(s.dataset.get("ImageType", "")).upper() for s in series.sources]
    if any(LOCALIZER in t for t in types) and len(series.sources) == len(frames):
        kept = [f for f, t in zip(frames, types, strict=True) if LOCALIZER not in t]
        warnings.append(f"{len(frames) - len(kept)} localizer image(s) left out")
        frames = kept
    majority = max(
        frames, key=lambda f: sum(f.geometry.same_orientation(g.geometry) for g in frames)
    )
    kept = [f for f in frames if f.geometry.same_orientation(majority.geometry)]
    if len(kept) < len(frames):
        warnings.append(f"{len(frames) - len(kept)} image(s) of another orientation left out")
    return kept


def _spacing_warnings(gaps: np.ndarray) -> list[str]:
    if len(gaps) == 0:
        return []
    median = float(np.median(gaps))
    warnings = []
    if median <= 0 or np.any(gaps <= 1e-6):
        warnings.append("duplicate slice positions")
        return warnings
    missing = int(np.sum(gaps > MISSING_SLICE_FACTOR * median))
    if missing:
        warnings.append(
            f"{missing} gap(s) larger than {MISSING_SLICE_FACTOR}× the spacing: slices missing"
        )
    if np.any(np.abs(gaps - median) > SPACING_TOLERANCE * median):
        warnings.append(
            f"non-uniform slice spacing ({gaps.min():.2f}–{gaps.max():.2f} mm, median {median:.2f})"
        )
    return warnings


def _to_hu(frame: _Frame) -> np.ndarray:
    hu = frame.pixels.astype(np.float64) * frame.slope + frame.intercept
    return np.clip(np.rint(hu), -32768, 32767).astype(np.int16)


def _thickness(series: Series) -> float:
    return float(series.sources[0].dataset.get("SliceThickness", 1.0) or 1.0)


def _series_windows(dataset: Dataset) -> tuple[WindowPreset, ...]:
    centers, widths = dataset.get("WindowCenter"), dataset.get("WindowWidth")
    if centers is None or widths is None:
        return ()
    pairs = zip(_values(centers), _values(widths), strict=False)
    return tuple(
        WindowPreset(f"series-{n + 1}", float(c), float(w))
        for n, (c, w) in enumerate(pairs)
        if float(w) >= 1
    )


def _values(value: object) -> list[object]:
    # Header windows are often multi-valued (e.g. 40\400 with widths 80\1500).
    return list(value) if isinstance(value, MultiValue) else [value]


def _floats(values: object, count: int) -> tuple:  # type: ignore[type-arg]
    numbers = tuple(float(v) for v in values)  # type: ignore[attr-defined]
    if len(numbers) != count:
        raise InconsistentSeriesError(f"expected {count} numbers, found {len(numbers)}")
    return numbers
