"""A participant that speaks the published Socket.IO protocol, with real aiortc media.

This is what a browser does, minus the browser: connect with a token, join,
publish an offer on one connection, answer the server's offers on the other,
and decode what arrives. Integration tests use it against a real server.
"""

from __future__ import annotations

import asyncio
from typing import Any

import socketio
from aiortc import RTCBundlePolicy, RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamTrack

from .identity_media import IdentityAudioTrack, IdentityVideoTrack, TrackReader


class SignalingPeer:
    def __init__(self, base_url: str, token: str, identity: int) -> None:
        self.base_url = base_url
        self.token = token
        self.identity = identity
        self.sio = socketio.AsyncClient(reconnection=False)
        config = RTCConfiguration(iceServers=[], bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)
        self.publish_pc = RTCPeerConnection(config)
        self.subscribe_pc = RTCPeerConnection(config)
        self.readers: dict[str, TrackReader] = {}
        self.tracks_by_mid: dict[str, dict[str, Any]] = {}
        self.events: list[tuple[str, Any]] = []
        self.offers = 0
        self.joined: dict[str, Any] = {}
        self.answer_replies: list[dict[str, Any]] = []
        self.audio_track: IdentityAudioTrack | None = None
        self.subscribe_pc.on("track", self._on_track)
        self.sio.on("subscribe-offer", self._on_subscribe_offer)
        for name in (
            "participant-joined",
            "participant-left",
            "track-published",
            "track-unpublished",
            "chat",
            "participant-updated",
            "active-speaker",
            "recording-state",
            "viewer-state",
            "request-error",
            "session-replaced",
        ):
            self.sio.on(name, lambda data, name=name: self.events.append((name, data)))

    def _on_track(self, track: MediaStreamTrack) -> None:
        transceiver = next(
            t for t in self.subscribe_pc.getTransceivers() if t.receiver.track is track
        )
        self.readers[str(transceiver.mid)] = TrackReader(track)

    async def _on_subscribe_offer(self, data: dict[str, Any]) -> None:
        self.offers += 1
        for track in data["tracks"]:
            self.tracks_by_mid[track["mid"]] = track
        await self.subscribe_pc.setRemoteDescription(RTCSessionDescription(data["sdp"], "offer"))
        await self.subscribe_pc.setLocalDescription(await self.subscribe_pc.createAnswer())
        # emit with a callback, not call: a handler blocked on an acknowledgement would
        # outlive a peer that closes meanwhile.
        await self.sio.emit(
            "subscribe-answer",
            {"type": "answer", "sdp": self.subscribe_pc.localDescription.sdp},
            callback=self.answer_replies.append,
        )

    async def connect(self) -> None:
        await self.sio.connect(
            self.base_url, auth={"token": self.token}, transports=["websocket"], wait_timeout=10
        )

    async def join(self) -> dict[str, Any]:
        await self.connect()
        self.joined = await self.sio.call("join", {})
        return self.joined

    async def publish(self, audio: bool = True, video: bool = True) -> dict[str, Any]:
        if video:
            self.publish_pc.addTrack(IdentityVideoTrack(self.identity))
        if audio:
            self.audio_track = IdentityAudioTrack(self.identity)
            self.publish_pc.addTrack(self.audio_track)
        await self.publish_pc.setLocalDescription(await self.publish_pc.createOffer())
        reply = await self.sio.call(
            "publish", {"type": "offer", "sdp": self.publish_pc.localDescription.sdp}
        )
        if reply.get("ok"):
            await self.publish_pc.setRemoteDescription(
                RTCSessionDescription(reply["sdp"], "answer")
            )
        return reply

    def video_by_participant(self) -> dict[str, TrackReader]:
        """The decoding readers of live video tracks, by the participant the server named."""
        return {
            self.tracks_by_mid[mid]["participant_id"]: reader
            for mid, reader in self.readers.items()
            if reader.kind == "video" and mid in self.tracks_by_mid
        }

    def events_named(self, name: str) -> list[Any]:
        return [data for event, data in self.events if event == name]

    async def close(self) -> None:
        for reader in self.readers.values():
            await reader.stop()
        if self.sio.connected:
            await self.sio.disconnect()
        await self.publish_pc.close()
        await self.subscribe_pc.close()
        await asyncio.sleep(0)
