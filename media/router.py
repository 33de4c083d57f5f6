"""A Router: the media of one consultation. Created by :meth:`Engine.create_router`."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiortc import RTCIceServer

from .audio_levels import AudioLevelObserver, AudioLevelOptions
from .errors import MediaClosedError
from .negotiation import VideoCodec
from .producer import Producer
from .transport import Transport, TransportOptions

if TYPE_CHECKING:
    from .engine import Engine

logger = logging.getLogger(__name__)


@dataclass
class RouterOptions:
    """How to create a router."""

    app_data: dict[str, Any] = field(default_factory=dict)
    """Opaque to the SFU (the consultation id, for instance)."""
    video_codec: VideoCodec | None = None
    """The room's one video codec; ``None`` takes the engine's default."""


class Router:
    """Owns a consultation's transports; knows its live producers by id."""

    def __init__(
        self,
        engine: Engine,
        options: RouterOptions,
        ice_servers: list[RTCIceServer],
        video_codec: VideoCodec,
        max_sdp_bytes: int,
        on_close: Callable[[Router], None],
    ) -> None:
        self.id = str(uuid.uuid4())
        self.engine = engine
        self.app_data = options.app_data
        self.video_codec = options.video_codec or video_codec
        self.transports: dict[str, Transport] = {}
        self.producers: dict[str, Producer] = {}
        self.observers: list[AudioLevelObserver] = []
        self.closed = False
        self._ice_servers = ice_servers
        self._max_sdp_bytes = max_sdp_bytes
        self._on_close = on_close

    def __repr__(self) -> str:
        return f"Router({self.id[:8]})"

    def create_transport(self, options: TransportOptions) -> Transport:
        if self.closed:
            raise MediaClosedError(f"{self!r} is closed")
        transport = Transport(
            self, options, self._ice_servers, self.video_codec, self._max_sdp_bytes
        )
        self.transports[transport.id] = transport
        return transport

    def create_audio_level_observer(
        self,
        on_change: Callable[[Producer | None], Awaitable[None]],
        options: AudioLevelOptions | None = None,
    ) -> AudioLevelObserver:
        """Report the dominant speaker to ``on_change`` whenever it changes."""
        if self.closed:
            raise MediaClosedError(f"{self!r} is closed")
        observer = AudioLevelObserver(self, options or AudioLevelOptions(), on_change)
        self.observers.append(observer)
        return observer

    def _remove_observer(self, observer: AudioLevelObserver) -> None:
        if observer in self.observers:
            self.observers.remove(observer)

    def _add_producer(self, producer: Producer) -> None:
        self.producers[producer.id] = producer

    def _remove_producer(self, producer: Producer) -> None:
        self.producers.pop(producer.id, None)

    def _remove_transport(self, transport: Transport) -> None:
        self.transports.pop(transport.id, None)

    async def close(self) -> None:
        """Close every transport (and so every producer and consumer). Idempotent."""
        if self.closed:
            return
        self.closed = True
        for observer in list(self.observers):
            await observer.close()
        for transport in list(self.transports.values()):
            await transport.close()
        self._on_close(self)
