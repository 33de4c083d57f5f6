"""The shared CT view over Socket.IO: the presenter drives, others follow, stale loses."""

from __future__ import annotations

from rooms import Role
from tests.integration.test_consultation import make_peer
from tests.support.media_peer import wait_until
from tests.support.server import RunningServer


async def test_the_presenter_drives_followers_and_late_joiners_get_the_view(
    server: RunningServer,
) -> None:
    presenter, follower = make_peer(server, 1), make_peer(server, 2)
    late = make_peer(server, 3)
    try:
        await presenter.join()
        await follower.join()
        state = await presenter.sio.call("viewer-control", {"action": "request"})
        assert state["ok"] and state["presenter"] == "p1"
        refused = await follower.sio.call(
            "viewer-update", {"version": state["version"], "changes": {"window_width": 1500}}
        )
        assert refused["error"]["code"] == "not-permitted"
        lung = await presenter.sio.call(
            "viewer-update",
            {
                "version": state["version"],
                "changes": {"window_center": -600, "window_width": 1500, "zoom": 2.0},
            },
        )
        assert lung["ok"] and lung["version"] == state["version"] + 1
        stale = await presenter.sio.call(
            "viewer-update", {"version": state["version"], "changes": {"zoom": 1.0}}
        )
        assert stale["error"]["code"] == "stale-viewer-state"
        await wait_until(
            lambda: any(
                e["version"] == lung["version"] for e in follower.events_named("viewer-state")
            ),
            5,
            "the follower to get the new view",
        )
        seen = follower.events_named("viewer-state")[-1]
        assert (seen["window_center"], seen["window_width"], seen["zoom"]) == (-600, 1500, 2.0)
        await late.join()
        assert late.joined["viewer"]["version"] == lung["version"]
        assert late.joined["viewer"]["window_center"] == -600

        asked = await follower.sio.call("viewer-control", {"action": "request"})
        assert asked["presenter"] == "p1" and asked["control_requests"] == ["p2"]
        handed = await presenter.sio.call(
            "viewer-control", {"action": "grant", "participant_id": "p2"}
        )
        assert handed["presenter"] == "p2"
        bad = await presenter.sio.call("viewer-update", {"version": 0, "changes": []})
        assert bad["error"]["code"] == "invalid-payload"
    finally:
        for p in (presenter, follower, late):
            await p.close()


async def test_the_coordinator_can_take_control_and_a_leaving_presenter_frees_it(
    server: RunningServer,
) -> None:
    expert = make_peer(server, 1)
    coordinator = make_peer(server, 2, Role.COORDINATOR)
    try:
        await expert.join()
        await coordinator.join()
        await expert.sio.call("viewer-control", {"action": "request"})
        taken = await coordinator.sio.call("viewer-control", {"action": "request"})
        assert taken["presenter"] == "p2"
        await coordinator.sio.call("leave", {})
        await wait_until(
            lambda: any(e["presenter"] is None for e in expert.events_named("viewer-state")),
            5,
            "control to be freed",
        )
    finally:
        for p in (expert, coordinator):
            await p.close()
