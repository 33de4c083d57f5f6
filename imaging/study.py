"""Reading a whole upload (files, folders, zips) as the one CT volume it should hold."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from .errors import EmptyStudyError, MixedSeriesError
from .series import group_series
from .sources import read_sources
from .volume import Volume, build_volume


def read_ct_volume(paths: Sequence[Path], *, series_uid: str | None = None) -> Volume:
    """The CT series in ``paths`` as a volume.

    Without ``series_uid`` the upload must hold exactly one series, not counting
    series of scouts only, which scanners often export beside the images; with it,
    that series is read and the others are ignored. Every failure is an
    :class:`~imaging.errors.ImagingError`.
    """
    series = group_series(read_sources(paths))
    if series_uid is not None:
        chosen = [s for s in series if s.uid == series_uid]
        if not chosen:
            raise EmptyStudyError("the upload holds no series with the requested UID")
        return build_volume(chosen[0])
    images = [s for s in series if not s.is_localizer_only]
    if len(images) > 1:
        raise MixedSeriesError(
            f"the upload holds {len(images)} image series where one was expected; choose one"
        )
    volume = build_volume(images[0] if images else series[0])
    scouts = len(series) - len(images)
    if images and scouts:
        note = f"localizer: {scouts} series of localizer images left out"
        volume = dataclasses.replace(volume, warnings=(*volume.warnings, note))
    return volume
