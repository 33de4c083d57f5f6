"""What an operator checks before a consultation: every series found, and its problems.

``mdt-server inspect-series PATH... [--json]`` prints :func:`reports_text` or
:func:`reports_json` of :func:`inspect_paths`. Reports hold no patient data.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .errors import ImagingError
from .series import Series, group_series
from .sources import read_sources
from .volume import build_volume


@dataclass(frozen=True)
class SeriesReport:
    """One series as read, or why it could not be."""

    series_uid: str
    modality: str
    description: str
    slice_count: int
    """Slices in the volume, or image objects if no volume could be built."""
    rows: int
    columns: int
    spacing_mm: tuple[float, float, float] | None
    """(between slices, rows, columns); None if no volume could be built."""
    hu_min: int | None
    hu_max: int | None
    warnings: list[str]
    """``code: explanation`` for each problem; an error that stopped reading too."""

    def to_json(self) -> dict[str, Any]:
        """A dict that ``json.dumps`` takes as it is."""
        report = asdict(self)
        report["spacing_mm"] = list(self.spacing_mm) if self.spacing_mm else None
        return report

    def line(self) -> str:
        """One human-readable line."""
        spacing = (
            " × ".join(f"{s:.2f}" for s in self.spacing_mm) + " mm" if self.spacing_mm else "-"
        )
        hu = f"HU {self.hu_min}..{self.hu_max}" if self.hu_min is not None else "HU -"
        warnings = "; ".join(self.warnings) or "ok"
        return (
            f"{self.series_uid} {self.modality} {self.slice_count} slices "
            f"{self.rows}×{self.columns} {spacing} {hu}: {warnings}"
        )


def inspect_paths(paths: Sequence[Path]) -> list[SeriesReport]:
    """A report per series found in ``paths`` (files, folders, zips), largest first.

    A series that cannot become a CT volume is reported with the reason; an input
    that cannot be read at all raises its :class:`~imaging.errors.ImagingError`.
    """
    return [_report(series) for series in group_series(read_sources(paths))]


def reports_json(reports: Sequence[SeriesReport]) -> str:
    return json.dumps([r.to_json() for r in reports], ensure_ascii=False, indent=2)


def reports_text(reports: Sequence[SeriesReport]) -> str:
    return "\n".join(r.line() for r in reports)


def _report(series: Series) -> SeriesReport:
    first = series.sources[0].dataset
    try:
        volume = build_volume(series)
    except ImagingError as exc:
        return SeriesReport(
            series_uid=series.uid,
            modality=series.modality,
            description=series.description,
            slice_count=len(series.sources),
            rows=int(first.get("Rows", 0)),
            columns=int(first.get("Columns", 0)),
            spacing_mm=None,
            hu_min=None,
            hu_max=None,
            # The reason only: the file's name is not for a report that may be shared.
            warnings=[f"{exc.code}: {exc.reason}"],
        )
    slices, rows, columns = volume.shape
    return SeriesReport(
        series_uid=series.uid,
        modality=series.modality,
        description=series.description,
        slice_count=slices,
        rows=rows,
        columns=columns,
        spacing_mm=(
            round(volume.spacing_mm[0], 4),
            round(volume.spacing_mm[1], 4),
            round(volume.spacing_mm[2], 4),
        ),
        hu_min=int(volume.hu.min()),
        hu_max=int(volume.hu.max()),
        warnings=list(volume.warnings),
    )
