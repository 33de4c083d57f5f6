"""The shared CT viewer of a consultation: one versioned state, one presenter.

The presenter changes the state; everyone else follows it (or browses alone, which
is the client's business: the server keeps only the shared state). Each accepted
change increases ``version``; a change based on an older version is refused, so a
delayed or reordered update can never undo a newer one. Control passes on request:
the presenter hands it over, and the coordinator, who runs the consultation, may
take it at any time.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .errors import NotPermittedError, RoomsError
from .role import Role


class StaleViewerStateError(RoomsError):
    """A change based on a version that is no longer current."""

    code = "stale-viewer-state"


class InvalidViewerChangeError(RoomsError):
    """A change with a field out of range (a slice past the end, a zero window width...)."""

    code = "invalid-viewer-change"


class Plane(StrEnum):
    AXIAL = "axial"
    CORONAL = "coronal"
    SAGITTAL = "sagittal"


@dataclass(frozen=True)
class Measurement:
    """A measurement the server computed from the volume (so every client shows the same)."""

    measurement_id: str
    kind: str
    """``length`` or ``roi``."""
    plane: Plane
    index: int
    points: list[list[float]]
    """In the plane's pixel coordinates (column, row)."""
    result: dict[str, float]
    """``length_mm``; or ``mean_hu``, ``sd_hu``, ``min_hu``, ``max_hu``, ``area_mm2``."""
    by: str


@dataclass(frozen=True)
class ViewerState:
    version: int = 0
    presenter: str | None = None
    series_uid: str | None = None
    plane: Plane = Plane.AXIAL
    index: int = 0
    window_center: float = 40.0
    window_width: float = 400.0
    zoom: float = 1.0
    pan: tuple[float, float] = (0.0, 0.0)
    pointer: tuple[float, float] | None = None
    measurements: tuple[Measurement, ...] = field(default_factory=tuple)


#: What a presenter's update may change, and how each value is checked.
_CHANGEABLE = {
    "series_uid",
    "plane",
    "index",
    "window_center",
    "window_width",
    "zoom",
    "pan",
    "pointer",
}


@dataclass(frozen=True)
class SeriesExtent:
    """How many slices each plane of a series has (from its volume)."""

    axial: int
    coronal: int
    sagittal: int

    def slices(self, plane: Plane) -> int:
        return int(getattr(self, plane.value))


class SharedViewer:
    """The viewer state of one consultation and the rules for changing it."""

    def __init__(self) -> None:
        self.state = ViewerState()
        self.series: dict[str, SeriesExtent] = {}
        self.control_requests: list[str] = []

    def add_series(self, series_uid: str, extent: SeriesExtent) -> None:
        """A series uploaded to the consultation; the first one is shown at once."""
        self.series[series_uid] = extent
        if self.state.series_uid is None:
            self._replace(series_uid=series_uid, index=extent.axial // 2)

    def update(
        self, participant_id: str, base_version: int, changes: dict[str, Any]
    ) -> ViewerState:
        """Apply a presenter's change made on ``base_version``."""
        self._check_presenter(participant_id)
        self._check_version(base_version)
        unknown = set(changes) - _CHANGEABLE
        if unknown:
            raise InvalidViewerChangeError(f"the viewer has no field {sorted(unknown)[0]!r}")
        values = dict(changes)
        if "plane" in values:
            try:
                values["plane"] = Plane(values["plane"])
            except ValueError:
                raise InvalidViewerChangeError("plane must be axial, coronal or sagittal") from None
        if "pan" in values:
            values["pan"] = _point(values["pan"], "pan")
        if values.get("pointer") is not None:
            values["pointer"] = _point(values["pointer"], "pointer")
        candidate = dataclasses.replace(self.state, **values)
        self._check(candidate)
        if "series_uid" in values and values["series_uid"] != self.state.series_uid:
            # Another series: measurements of the old one do not apply to it.
            candidate = dataclasses.replace(candidate, measurements=())
        self.state = dataclasses.replace(candidate, version=self.state.version + 1)
        return self.state

    def add_measurement(
        self, participant_id: str, base_version: int, measurement: Measurement
    ) -> ViewerState:
        self._check_presenter(participant_id)
        self._check_version(base_version)
        return self._replace(measurements=(*self.state.measurements, measurement))

    def request_control(self, participant_id: str, role: Role) -> ViewerState | None:
        """Ask for control; granted at once if nobody presents or the asker coordinates."""
        if self.state.presenter is None or role is Role.COORDINATOR:
            return self._give(participant_id)
        if participant_id not in self.control_requests and participant_id != self.state.presenter:
            self.control_requests.append(participant_id)
        return None

    def hand_over(self, participant_id: str, to: str) -> ViewerState:
        """The presenter gives control to someone who asked for it."""
        self._check_presenter(participant_id)
        if to not in self.control_requests:
            raise InvalidViewerChangeError("control can be handed only to someone who asked")
        return self._give(to)

    def release(self, participant_id: str) -> ViewerState | None:
        """Someone leaves: if they presented, nobody does; their pending request goes."""
        if participant_id in self.control_requests:
            self.control_requests.remove(participant_id)
        if self.state.presenter == participant_id:
            return self._replace(presenter=None, pointer=None)
        return None

    def _give(self, participant_id: str) -> ViewerState:
        if participant_id in self.control_requests:
            self.control_requests.remove(participant_id)
        return self._replace(presenter=participant_id, pointer=None)

    def _replace(self, **values: Any) -> ViewerState:
        self.state = dataclasses.replace(self.state, version=self.state.version + 1, **values)
        return self.state

    def _check_presenter(self, participant_id: str) -> None:
        if self.state.presenter != participant_id:
            raise NotPermittedError("only the presenter changes the shared view; ask for control")

    def _check_version(self, base_version: int) -> None:
        if base_version != self.state.version:
            raise StaleViewerStateError(
                f"the view has changed (version {self.state.version}, yours {base_version})"
            )

    def _check(self, state: ViewerState) -> None:
        if not isinstance(state.index, int) or isinstance(state.index, bool):
            raise InvalidViewerChangeError("the slice index must be an integer")
        if state.series_uid is not None and state.series_uid not in self.series:
            raise InvalidViewerChangeError("that series is not in this consultation")
        if state.series_uid is not None:
            slices = self.series[state.series_uid].slices(state.plane)
            if not 0 <= state.index < slices:
                raise InvalidViewerChangeError(f"the {state.plane} plane has {slices} slices")
        numbers = (state.window_center, state.window_width, state.zoom)
        if not all(isinstance(n, int | float) and math.isfinite(n) for n in numbers):
            raise InvalidViewerChangeError("window and zoom must be finite numbers")
        if not 1 <= state.window_width <= 10_000:
            raise InvalidViewerChangeError("the window width must be between 1 and 10000 HU")
        if not -5_000 <= state.window_center <= 5_000:
            raise InvalidViewerChangeError("the window centre must be between -5000 and 5000 HU")
        if not 0.1 <= state.zoom <= 20:
            raise InvalidViewerChangeError("zoom must be between 0.1 and 20")


def _point(value: Any, name: str) -> tuple[float, float]:
    if (
        not isinstance(value, list | tuple)
        or len(value) != 2
        or not all(
            isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
            for v in value
        )
    ):
        raise InvalidViewerChangeError(f"{name} must be two finite numbers")
    return (float(value[0]), float(value[1]))
