"""inspect_paths reports every series in a folder with its numbers and its problems."""

from __future__ import annotations

import json
from pathlib import Path

from imaging import inspect_paths, reports_json, reports_text
from tests.imaging.phantom import (
    COLUMN_MM,
    ROW_MM,
    SLICE_MM,
    SLICES,
    Phantom,
    make_phantom,
    write_series,
)


def test_a_folder_with_two_series_reports_both_with_the_right_numbers(
    tmp_path: Path, phantom: Phantom
) -> None:
    gappy = make_phantom()
    write_series(tmp_path / "complete", phantom)
    write_series(tmp_path / "gappy", gappy, skip=(12,))
    reports = inspect_paths([tmp_path])
    assert [r.series_uid for r in reports] == [phantom.series_uid, gappy.series_uid]
    complete, missing = reports
    assert (complete.modality, complete.slice_count, complete.rows, complete.columns) == (
        "CT",
        SLICES,
        64,
        64,
    )
    assert complete.spacing_mm == (SLICE_MM, ROW_MM, COLUMN_MM)
    assert (complete.hu_min, complete.hu_max) == (-1000, 2000)
    assert complete.warnings == []
    assert missing.slice_count == SLICES - 1
    assert [w.split(":")[0] for w in missing.warnings] == ["missing-slices"]

    parsed = json.loads(reports_json(reports))
    assert parsed[0]["spacing_mm"] == [SLICE_MM, ROW_MM, COLUMN_MM]
    assert parsed[1] == missing.to_json()
    lines = reports_text(reports).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(phantom.series_uid) and "40 slices 64×64" in lines[0]
    assert "HU -1000..2000: ok" in lines[0] and "missing-slices" in lines[1]


def test_a_series_that_cannot_be_read_is_reported_with_the_reason(
    tmp_path: Path, phantom: Phantom
) -> None:
    write_series(tmp_path, phantom, modality="MR")
    [report] = inspect_paths([tmp_path])
    assert (report.modality, report.slice_count, report.rows) == ("MR", SLICES, 64)
    assert report.spacing_mm is None and report.hu_min is None
    assert report.warnings == ["not-ct: the series is MR, not CT"]
    assert "Phantom" not in reports_json([report])  # no patient name in any report
