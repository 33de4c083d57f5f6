"""Reading a whole upload: exactly one CT series, as a volume, or a named error."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .errors import MixedSeriesError
from .series import group_series, read_sources
from .volume import Volume, build_volume


def read_ct_volume(paths: Sequence[Path]) -> Volume:
    """The one CT series in ``paths`` (files, folders, zips) as a volume."""
    series = group_series(read_sources(paths))
    if len(series) > 1:
        raise MixedSeriesError(
            f"the upload contains {len(series)} series; upload one series at a time"
        )
    return build_volume(series[0])
