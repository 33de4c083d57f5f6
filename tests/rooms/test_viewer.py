"""The shared viewer: versions, the presenter, control handover, and checked values."""

from __future__ import annotations

import pytest

from rooms import NotPermittedError, Role
from rooms.viewer import (
    InvalidViewerChangeError,
    Plane,
    SeriesExtent,
    SharedViewer,
    StaleViewerStateError,
)


def viewer() -> SharedViewer:
    shared = SharedViewer()
    shared.add_series("1.2.3", SeriesExtent(axial=40, coronal=64, sagittal=64))
    return shared


def test_the_first_series_opens_on_its_middle_slice_and_the_first_asker_presents() -> None:
    shared = viewer()
    assert (shared.state.series_uid, shared.state.index) == ("1.2.3", 20)
    state = shared.request_control("p-li", Role.EXPERT)
    assert state is not None and state.presenter == "p-li"


def test_changes_need_the_current_version_so_old_updates_never_win() -> None:
    shared = viewer()
    shared.request_control("p-li", Role.EXPERT)
    version = shared.state.version
    after = shared.update(
        "p-li", version, {"index": 21, "window_center": -600, "window_width": 1500}
    )
    assert (after.index, after.version) == (21, version + 1)
    with pytest.raises(StaleViewerStateError):
        shared.update("p-li", version, {"index": 5})  # built on the old version
    assert shared.state.index == 21


def test_only_the_presenter_changes_and_control_passes_on_request() -> None:
    shared = viewer()
    shared.request_control("p-li", Role.EXPERT)
    with pytest.raises(NotPermittedError):
        shared.update("p-wang", shared.state.version, {"index": 3})
    assert shared.request_control("p-wang", Role.EXPERT) is None  # asked, waits
    with pytest.raises(InvalidViewerChangeError):
        shared.hand_over("p-li", "p-zhao")  # did not ask
    assert shared.hand_over("p-li", "p-wang").presenter == "p-wang"
    state = shared.request_control("p-coord", Role.COORDINATOR)
    assert state is not None and state.presenter == "p-coord"  # the coordinator takes it
    assert shared.release("p-coord") is not None and shared.state.presenter is None


@pytest.mark.parametrize(
    "changes",
    [
        {"index": 40},
        {"index": -1},
        {"index": "3"},
        {"plane": "oblique"},
        {"window_width": 0},
        {"zoom": float("nan")},
        {"pan": [1]},
        {"series_uid": "9.9"},
        {"opacity": 1},
    ],
)
def test_out_of_range_or_unknown_changes_are_refused_and_change_nothing(changes: dict) -> None:
    shared = viewer()
    shared.request_control("p-li", Role.EXPERT)
    before = shared.state
    with pytest.raises(InvalidViewerChangeError):
        shared.update("p-li", before.version, changes)
    assert shared.state == before


def test_each_plane_has_its_own_slice_count() -> None:
    shared = viewer()
    shared.request_control("p-li", Role.EXPERT)
    state = shared.update("p-li", shared.state.version, {"plane": "coronal", "index": 63})
    assert state.plane is Plane.CORONAL
