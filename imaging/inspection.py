"""What an operator checks before a consultation: every series found, and its problems."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from .errors import ImagingError
from .series import group_series, read_sources
from .volume import build_volume


@dataclass(frozen=True)
class SeriesReport:
    series_uid: str
    modality: str
    description: str
    slice_count: int
    rows: int
    columns: int
    spacing_mm: tuple[float, float, float] | None
    """(between slices, rows, columns); None if no volume could be built."""
    hu_min: int | None
    hu_max: int | None
    warnings: tuple[str, ...]

    def line(self) -> str:
        spacing = "×".join(f"{s:.2f}" for s in self.spacing_mm) + " mm" if self.spacing_mm else "-"
        hu = f"HU {self.hu_min}..{self.hu_max}" if self.hu_min is not None else "HU -"
        warnings = "; ".join(self.warnings) or "no warnings"
        return (
            f"{self.series_uid} {self.modality} {self.slice_count} slices "
            f"{self.rows}×{self.columns} {spacing} {hu}: {warnings}"
        )


def inspect_paths(paths: Sequence[Path]) -> list[SeriesReport]:
    """A report per series in ``paths``; a series that cannot become a volume says why."""
    reports = []
    for series in group_series(read_sources(paths)):
        first = series.sources[0].dataset
        rows, columns = int(first.get("Rows", 0)), int(first.get("Columns", 0))
        try:
            volume = build_volume(series)
        except ImagingError as exc:
            reports.append(
                SeriesReport(
                    series.uid,
                    series.modality,
                    series.description,
                    len(series.sources),
                    rows,
                    columns,
                    None,
                    None,
                    None,
                    (f"{exc.code}: {exc}",),
                )
            )
            continue
        reports.append(
            SeriesReport(
                series_uid=series.uid,
                modality=series.modality,
                description=series.description,
                slice_count=volume.shape[0],
                rows=volume.shape[1],
                columns=volume.shape[2],
                spacing_mm=tuple(round(s, 4) for s in volume.spacing),  # type: ignore[arg-type]
                hu_min=int(volume.hu.min()),
                hu_max=int(volume.hu.max()),
                warnings=volume.warnings,
            )
        )
    return reports


def reports_json(reports: list[SeriesReport]) -> str:
    return json.dumps([asdict(r) for r in reports], ensure_ascii=False, indent=2)
