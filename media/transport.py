"""A Transport: one peer connection between a participant and the SFU.

A participant has two: a *send* transport that the client offers (it publishes
its tracks; each becomes a :class:`Producer`) and a *recv* transport that the
server offers (each other participant's track is a :class:`Consumer` on it).
Splitting them as mediasoup does means the client and the server never offer at
the same time on one connection, so there is no glare to resolve, and the
server can drive renegotiation itself (aiortc has no ``negotiationneeded``).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from aiortc import (
    RTCBundlePolicy,
    RTCConfiguration,
    RTCIceServer,
    RTCPeerConnection,
    RTCSessionDescription,
)
from aiortc.mediastreams import MediaStreamTrack

from . import negotiation
from .consumer import Consumer
from .errors import InvalidSdpError, MediaClosedError, MediaStateError
from .producer import Producer

if TYPE_CHECKING:
    from .router import Router

logger = logging.getLogger(__name__)

Direction = Literal["send", "recv"]

#: A client publishes at most a camera, a microphone, a screen and the screen's audio.
DEFAULT_MAX_PRODUCERS = 4


@dataclass(frozen=True)
class SubscriptionOffer:
    """A server-made offer for a recv transport, to be relayed to its client."""

    sdp: str
    """The SDP offer."""
    consumers: list[Consumer]
    """Every open consumer on the transport; ``consumer.mid`` names its m-line."""


@dataclass(frozen=True)
class Publication:
    """The outcome of a publisher's offer."""

    answer_sdp: str
    """The SDP answer for the client."""
    new_producers: list[Producer]
    """Tracks that this offer added."""
    closed_producers: list[Producer]
    """Tracks that this offer stopped sending (their consumers are closed already)."""


@dataclass
class TransportOptions:
    """How to create a transport."""

    direction: Direction
    """``send``: the client publishes and offers; ``recv``: the server offers consumers."""
    app_data: dict[str, Any] = field(default_factory=dict)
    """Opaque to the SFU; copied into each producer's ``app_data``."""
    on_offer: Callable[[SubscriptionOffer], Awaitable[None]] | None = None
    """recv only: called with each offer the server makes; one is outstanding at a time."""
    on_close: Callable[[Transport], None] | None = None
    """Called once when the transport closes, for whatever reason."""
    on_producer_close: Callable[[Producer], None] | None = None
    """send only: called when one of its producers closes (re-offer, leave or failure)."""
    max_producers: int = DEFAULT_MAX_PRODUCERS
    """send only: how many tracks one client may publish at once."""


class Transport:
    """Wraps one ``RTCPeerConnection``. Created by :meth:`Router.create_transport`."""

    def __init__(
        self,
        router: Router,
        options: TransportOptions,
        ice_servers: list[RTCIceServer],
        video_codec: negotiation.VideoCodec,
        max_sdp_bytes: int,
    ) -> None:
        self.id = str(uuid.uuid4())
        self.router = router
        self.direction: Direction = options.direction
        self.app_data = options.app_data
        self.producers: dict[str, Producer] = {}
        self.consumers: dict[str, Consumer] = {}
        self.closed = False
        self._options = options
        self._video_codec = video_codec
        self._max_sdp_bytes = max_sdp_bytes
        # iceServers must be explicit: with None, aiortc falls back to a public STUN server.
        # max-bundle: under aiortc's default "balanced" policy a second m-line of a kind
        # created before the first negotiation stays on a transport that BUNDLE discards.
        self._pc = RTCPeerConnection(
            RTCConfiguration(iceServers=list(ice_servers), bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)
        )
        self._pc.on("connectionstatechange", self._on_connection_state)
        self._pc.on("track", self._on_track)
        self._lock = asyncio.Lock()
        self._sources: Mapping[str, str] = {}
        self._pending_producers: list[Producer] = []
        self._awaiting_answer = False
        self._needs_offer = False
        self._tasks: set[asyncio.Task[None]] = set()

    def __repr__(self) -> str:
        return f"Transport({self.id[:8]} {self.direction})"

    @property
    def connection_state(self) -> str:
        return str(self._pc.connectionState)

    def _check_open(self, direction: Direction) -> None:
        if self.closed:
            raise MediaClosedError(f"{self!r} is closed")
        if self.direction != direction:
            raise MediaStateError(f"this is a {self.direction} transport, not a {direction} one")

    # --- publishing (send transports) -------------------------------------------

    async def publish(
        self, offer_sdp: Any, sources: Mapping[str, str] | None = None
    ) -> Publication:
        """Apply a publisher's offer; each newly sent track becomes a Producer.

        Raises :class:`InvalidSdpError` or :class:`NoUsableCodecError` without
        touching the connection.
        """
        self._check_open("send")
        sdp, sections = negotiation.prepare_offer(offer_sdp, self._video_codec, self._max_sdp_bytes)
        sending = {s.mid for s in sections if s.sends}
        known = {p.mid for p in self.producers.values()}
        if len(sending | known) > self._options.max_producers:
            raise InvalidSdpError(
                f"a participant may publish at most {self._options.max_producers} tracks"
            )
        async with self._lock:
            self._sources = dict(sources or {})
            self._pending_producers = []
            try:
                await self._pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
                answer = await self._pc.createAnswer()
                await self._pc.setLocalDescription(answer)
            except (ValueError, AttributeError, KeyError, IndexError) as exc:
                raise InvalidSdpError(f"the offer was refused: {exc}") from exc
            new = self._pending_producers
            self._pending_producers = []
            stopped = [p for p in self.producers.values() if p.mid not in sending and p not in new]
            for producer in stopped:
                await producer.close()
            return Publication(
                answer_sdp=self._pc.localDescription.sdp,
                new_producers=new,
                closed_producers=stopped,
            )

    def _on_track(self, track: MediaStreamTrack) -> None:
        transceiver = next(t for t in self._pc.getTransceivers() if t.receiver.track is track)
        mid = str(transceiver.mid)
        app_data = {**self.app_data, "source": self._sources.get(mid, _default_source(track.kind))}
        producer = Producer(
            transceiver.receiver, track.kind, mid, app_data, self._on_producer_closed
        )
        self.producers[producer.id] = producer
        self.router._add_producer(producer)
        self._pending_producers.append(producer)
        logger.info("%r: new %r", self, producer)

    async def _on_producer_closed(self, producer: Producer) -> None:
        self.producers.pop(producer.id, None)
        self.router._remove_producer(producer)
        if self._options.on_producer_close is not None:
            self._options.on_producer_close(producer)

    # --- subscribing (recv transports) ------------------------------------------

    async def consume(
        self, producer: Producer, stream_id: str, app_data: dict[str, Any] | None = None
    ) -> Consumer:
        """Start forwarding ``producer`` to this transport's client.

        ``stream_id`` becomes the m-line's msid stream, which browsers use to group
        (and lip-sync) one publisher's tracks. A new offer follows through ``on_offer``.
        """
        self._check_open("recv")
        if producer.closed:
            raise MediaClosedError(f"{producer!r} is closed")
        transceiver = self._pc.addTransceiver(producer.kind, direction="sendonly")
        transceiver.setCodecPreferences(
            negotiation.codec_preferences(producer.kind, self._video_codec)
        )
        consumer = Consumer(
            producer, transceiver, stream_id, dict(app_data or {}), self._on_consumer_closed
        )
        self.consumers[consumer.id] = consumer
        self._schedule_offer()
        return consumer

    async def _on_consumer_closed(self, consumer: Consumer) -> None:
        self.consumers.pop(consumer.id, None)
        if self.closed:
            return
        # aiortc cannot restart a stopped sender, so the m-line goes inactive for good.
        consumer.transceiver.direction = "inactive"
        await consumer.transceiver.sender.stop()
        self._schedule_offer()

    def _schedule_offer(self) -> None:
        self._needs_offer = True
        self._spawn(self._offer())

    async def _offer(self) -> None:
        async with self._lock:
            if self.closed or self._awaiting_answer or not self._needs_offer:
                return
            self._needs_offer = False
            offer = await self._pc.createOffer()
            await self._pc.setLocalDescription(offer)
            self._awaiting_answer = True
            subscription = SubscriptionOffer(
                sdp=self._pc.localDescription.sdp, consumers=list(self.consumers.values())
            )
        if self._options.on_offer is not None:
            try:
                await self._options.on_offer(subscription)
            except Exception:
                # The signaling side could not deliver it (its client is going away);
                # the transport's own close path cleans up, the room goes on.
                logger.exception("%r: delivering an offer failed", self)

    async def handle_answer(self, answer_sdp: Any) -> None:
        """Apply the client's answer to the last offer; a queued change is offered next."""
        self._check_open("recv")
        if not self._awaiting_answer:
            raise MediaStateError("there is no outstanding offer to answer")
        description = negotiation.parse_description(answer_sdp, "answer", self._max_sdp_bytes)
        async with self._lock:
            try:
                await self._pc.setRemoteDescription(
                    RTCSessionDescription(sdp=str(description), type="answer")
                )
            except (ValueError, AttributeError, KeyError, IndexError) as exc:
                raise InvalidSdpError(f"the answer was refused: {exc}") from exc
            self._awaiting_answer = False
        if self._needs_offer:
            self._spawn(self._offer())

    # --- both -------------------------------------------------------------------

    async def add_ice_candidate(self, payload: Any) -> None:
        """A trickled remote candidate (``None``: end of candidates)."""
        if self.closed:
            raise MediaClosedError(f"{self!r} is closed")
        candidate = negotiation.parse_candidate(payload)
        try:
            await self._pc.addIceCandidate(candidate)
        except ValueError as exc:
            raise InvalidSdpError(f"the ICE candidate was refused: {exc}") from exc

    def _on_connection_state(self) -> None:
        # A vanished peer ends here too (ICE consent expires), down the same path as close().
        if self._pc.connectionState in ("failed", "closed") and not self.closed:
            logger.info("%r: connection %s", self, self._pc.connectionState)
            self._spawn(self.close())

    def _spawn(self, coro: Awaitable[None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        """Close producers (and so their consumers elsewhere), consumers and the connection.

        Idempotent. The ``on_close`` callback runs once.
        """
        if self.closed:
            return
        self.closed = True
        for producer in list(self.producers.values()):
            await producer.close()
        for consumer in list(self.consumers.values()):
            await consumer.close()
        current = asyncio.current_task()
        for task in list(self._tasks):
            if task is not current:
                task.cancel()
        await self._pc.close()
        self.router._remove_transport(self)
        if self._options.on_close is not None:
            self._options.on_close(self)


def _default_source(kind: str) -> str:
    return "microphone" if kind == "audio" else "camera"
