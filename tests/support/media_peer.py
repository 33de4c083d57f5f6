"""A participant made of real aiortc peer connections, wired straight to a Router.

Media tests use it without the signaling layer: the SDP goes through function
calls instead of Socket.IO, everything else (ICE, DTLS, SRTP, RTP) is real.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from aiortc import RTCBundlePolicy, RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamTrack

from media import Router, SubscriptionOffer, TransportOptions

from .identity_media import IdentityAudioTrack, IdentityVideoTrack, TrackReader
from .wire import LossyWire


class MediaPeer:
    """One participant: a send and a recv peer connection and their server transports."""

    def __init__(self, router: Router, identity: int, wire: LossyWire | None = None) -> None:
        self.identity = identity
        self.wire = wire
        self.name = f"p{identity}"
        # aiortc's default "balanced" bundle policy strands a second m-line of a kind.
        config = RTCConfiguration(iceServers=[], bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)
        self.publish_pc = RTCPeerConnection(config)
        self.subscribe_pc = RTCPeerConnection(config)
        self.readers: list[TrackReader] = []
        self.video_track: IdentityVideoTrack | None = None
        self.audio_track: IdentityAudioTrack | None = None
        self.offers = 0
        self.subscribe_pc.on("track", self._on_track)
        self.send_transport = router.create_transport(
            TransportOptions(direction="send", app_data={"participant_id": self.name})
        )
        self.recv_transport = router.create_transport(
            TransportOptions(
                direction="recv", app_data={"participant_id": self.name}, on_offer=self._on_offer
            )
        )

    def _on_track(self, track: MediaStreamTrack) -> None:
        self.readers.append(TrackReader(track))

    async def _on_offer(self, offer: SubscriptionOffer) -> None:
        self.offers += 1
        await self.subscribe_pc.setRemoteDescription(
            RTCSessionDescription(sdp=offer.sdp, type="offer")
        )
        if self.wire is not None and self.offers == 1:
            self.wire.install(self.subscribe_pc)
        await self.subscribe_pc.setLocalDescription(await self.subscribe_pc.createAnswer())
        await self.recv_transport.handle_answer(self.subscribe_pc.localDescription.sdp)

    async def publish(self, audio: bool = True, video: bool = True) -> list:
        if video:
            self.video_track = IdentityVideoTrack(self.identity)
            self.publish_pc.addTrack(self.video_track)
        if audio:
            self.audio_track = IdentityAudioTrack(self.identity)
            self.publish_pc.addTrack(self.audio_track)
        await self.publish_pc.setLocalDescription(await self.publish_pc.createOffer())
        publication = await self.send_transport.publish(self.publish_pc.localDescription.sdp)
        await self.publish_pc.setRemoteDescription(
            RTCSessionDescription(sdp=publication.answer_sdp, type="answer")
        )
        return publication.new_producers

    async def subscribe_to(self, router: Router) -> None:
        """Consume every producer in the room that is not this peer's own."""
        for producer in list(router.producers.values()):
            if producer.app_data.get("participant_id") != self.name:
                await self.recv_transport.consume(
                    producer, stream_id=producer.app_data["participant_id"]
                )

    def video_readers(self) -> list[TrackReader]:
        return [r for r in self.readers if r.kind == "video"]

    def audio_readers(self) -> list[TrackReader]:
        return [r for r in self.readers if r.kind == "audio"]

    async def close(self) -> None:
        for reader in self.readers:
            await reader.stop()
        await self.send_transport.close()
        await self.recv_transport.close()
        await self.publish_pc.close()
        await self.subscribe_pc.close()


async def wait_until(predicate: Callable[[], bool], timeout_s: float, what: str) -> None:
    """Poll ``predicate``; a generous timeout is a safety net, not a speed assertion."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)
