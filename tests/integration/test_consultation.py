"""Participants through the real server: Socket.IO signaling, aiortc media, content checked."""

from __future__ import annotations

import asyncio

from rooms import Role
from signaling.app_keys import ENGINE
from tests.support.media_peer import wait_until
from tests.support.resources import media_tasks, udp_socket_count
from tests.support.server import RunningServer
from tests.support.signaling_peer import SignalingPeer

NAMES = {1: "Dr Li 李医生", 2: "Dr Wang 王医生", 3: "Dr Zhang 张医生", 4: "Dr Zhao 赵医生"}


def make_peer(server: RunningServer, identity: int, role: Role = Role.EXPERT) -> SignalingPeer:
    token = server.token("mdt-1", f"p{identity}", NAMES[identity], role, institution="县医院")
    return SignalingPeer(server.url, token, identity)


def decoding(peer: SignalingPeer, count: int, frames: int = 20) -> bool:
    videos = peer.video_by_participant()
    return len(videos) == count and all(len(r.frames) >= frames for r in videos.values())


async def assert_all_released(
    server: RunningServer, sockets_before: int, tasks_before: set[asyncio.Task]
) -> None:
    await wait_until(lambda: not server.hub.live, 10, "the consultation to close")
    await wait_until(lambda: not server.app[ENGINE].routers, 10, "its router to close")
    await wait_until(lambda: udp_socket_count() <= sockets_before, 10, "UDP sockets released")
    await wait_until(lambda: media_tasks() <= tasks_before, 10, "media tasks to end")


async def test_three_participants_see_the_right_people_by_name_and_never_themselves(
    server: RunningServer,
) -> None:
    sockets_before, tasks_before = udp_socket_count(), media_tasks()
    peers = [make_peer(server, i) for i in (1, 2, 3)]
    try:
        for p in peers:
            reply = await p.join()
            assert reply["ok"], reply
            assert reply["self"]["display_name"] == NAMES[p.identity]
            assert reply["self"]["institution"] == "县医院"
            assert reply["ice_servers"] == [] and reply["video_codec"] == "VP8"
            published = await p.publish()
            assert published["ok"], published
            assert {t["kind"] for t in published["tracks"]} == {"audio", "video"}
        await wait_until(lambda: all(decoding(p, 2) for p in peers), 30, "two videos each")
        for p in peers:
            others = {q.identity for q in peers} - {p.identity}
            videos = p.video_by_participant()
            # The server says whose track it is; the pixels say whose camera it really is.
            assert set(videos) == {f"p{i}" for i in others}
            for participant_id, reader in videos.items():
                assert reader.identities == {int(participant_id[1:])}
                counters = [f.counter for f in reader.frames]
                assert counters == sorted(counters) and len(set(counters)) == len(counters)
            joined = [e["display_name"] for e in p.events_named("participant-joined")]
            assert joined == [NAMES[i] for i in sorted(others) if i > p.identity]
            names = {q["participant_id"]: q["display_name"] for q in p.joined["participants"]}
            assert names == {f"p{i}": NAMES[i] for i in range(1, p.identity + 1)}
    finally:
        for p in peers:
            await p.close()
    await assert_all_released(server, sockets_before, tasks_before)


async def test_a_leaver_is_announced_its_tracks_unpublished_and_the_others_go_on(
    server: RunningServer,
) -> None:
    sockets_before, tasks_before = udp_socket_count(), media_tasks()
    peers = [make_peer(server, i) for i in (1, 2, 3)]
    try:
        for p in peers:
            await p.join()
            await p.publish()
        await wait_until(lambda: all(decoding(p, 2) for p in peers), 30, "two videos each")
        leaver, stay = peers[2], peers[:2]
        offers_then = [p.offers for p in stay]
        assert (await leaver.sio.call("leave", {})) == {"ok": True}
        for p in stay:
            await wait_until(
                lambda p=p: len(p.events_named("track-unpublished")) == 2, 10, "unpublished"
            )
            assert p.events_named("participant-left") == [
                {"participant_id": "p3", "reason": "left"}
            ]
        await wait_until(
            lambda: all(p.offers > n for p, n in zip(stay, offers_then, strict=True)),
            10,
            "re-offers",
        )
        counts = {id(p): len(p.video_by_participant()[f"p{3 - p.identity}"].frames) for p in stay}
        await wait_until(
            lambda: all(
                len(p.video_by_participant()[f"p{3 - p.identity}"].frames) > counts[id(p)] + 10
                for p in stay
            ),
            10,
            "the two who stayed to keep seeing each other",
        )
        # The same connection can join again and is seen again.
        assert (await leaver.sio.call("join", {}))["ok"]
        for p in stay:
            await wait_until(
                lambda p=p: len(p.events_named("participant-joined")) >= 1 + (p.identity == 1),
                10,
                "the re-join to be announced",
            )
    finally:
        for p in peers:
            await p.close()
    await assert_all_released(server, sockets_before, tasks_before)


async def test_chat_reaches_the_others_and_late_joiners_get_the_history(
    server: RunningServer,
) -> None:
    first, second, late = make_peer(server, 1), make_peer(server, 2), make_peer(server, 4)
    try:
        await first.join()
        await second.join()
        reply = await first.sio.call("chat", {"text": "CT 显示右肺下叶结节"})
        assert reply["ok"] and reply["display_name"] == NAMES[1]
        await wait_until(lambda: second.events_named("chat"), 5, "the chat to arrive")
        assert second.events_named("chat")[0]["text"] == "CT 显示右肺下叶结节"
        assert first.events_named("chat") == []  # the writer has it from the reply
        await late.join()
        assert [m["text"] for m in late.joined["chat"]] == ["CT 显示右肺下叶结节"]
        assert late.joined["chat"][0]["participant_id"] == "p1"
    finally:
        for p in (first, second, late):
            await p.close()


async def test_observers_may_not_publish_but_see_everyone(server: RunningServer) -> None:
    expert, observer = make_peer(server, 1), make_peer(server, 2, Role.OBSERVER)
    try:
        await expert.join()
        await expert.publish()
        await observer.join()
        refused = await observer.publish()
        assert refused["ok"] is False and refused["error"]["code"] == "not-permitted"
        await wait_until(lambda: decoding(observer, 1), 20, "the observer to see the expert")
        assert observer.video_by_participant()["p1"].identities == {1}
    finally:
        for p in (expert, observer):
            await p.close()


async def test_the_same_person_connecting_again_replaces_the_old_connection(
    server: RunningServer,
) -> None:
    other, old, new = make_peer(server, 1), make_peer(server, 2), make_peer(server, 2)
    try:
        await other.join()
        await other.publish()
        await old.join()
        await new.join()
        await wait_until(lambda: not old.sio.connected, 5, "the old connection to be closed")
        assert old.events_named("session-replaced")
        await wait_until(lambda: decoding(new, 1), 20, "the new connection to see video")
        left = other.events_named("participant-left")
        assert left == [{"participant_id": "p2", "reason": "replaced"}]
        assert list(server.hub.live["mdt-1"].sessions) == ["p1", "p2"]
    finally:
        for p in (other, old, new):
            await p.close()


async def test_mute_state_and_the_active_speaker_reach_the_others(server: RunningServer) -> None:
    first, second = make_peer(server, 1), make_peer(server, 2)
    try:
        for p in (first, second):
            await p.join()
            await p.publish(video=False)
        assert first.audio_track is not None and second.audio_track is not None
        second.audio_track.muted = True
        reply = await second.sio.call("media-state", {"audio_muted": True, "video_muted": False})
        assert reply == {"ok": True}
        await wait_until(lambda: first.events_named("participant-updated"), 5, "the update")
        update = first.events_named("participant-updated")[0]
        assert (update["participant_id"], update["audio_muted"]) == ("p2", True)

        def speaker(p: SignalingPeer) -> str | None:
            events = p.events_named("active-speaker")
            return events[-1]["participant_id"] if events else "nobody yet"

        await wait_until(lambda: speaker(first) == speaker(second) == "p1", 10, "p1 speaking")
        first.audio_track.muted, second.audio_track.muted = True, False
        await wait_until(lambda: speaker(first) == speaker(second) == "p2", 10, "p2 speaking")
        late = make_peer(server, 3)
        await late.join()
        assert late.joined["active_speaker"] == "p2"  # a late joiner sees who speaks
        assert {p["participant_id"]: p["audio_muted"] for p in late.joined["participants"]} == {
            "p1": False,
            "p2": True,
            "p3": False,
        }
        await late.close()
    finally:
        for p in (first, second):
            await p.close()


async def test_a_token_that_expires_between_connecting_and_joining_cannot_join(
    server: RunningServer,
) -> None:
    token = server.token("mdt-1", "p1", NAMES[1], ttl_s=2)
    peer = SignalingPeer(server.url, token, 1)
    try:
        await peer.connect()
        await asyncio.sleep(2.2)
        reply = await peer.sio.call("join", {})
        assert reply["ok"] is False and reply["error"]["code"] == "token-expired"
    finally:
        await peer.close()
