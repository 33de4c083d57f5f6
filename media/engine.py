"""The Engine: the SFU of one node process (mediasoup's Worker)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from aiortc import RTCIceServer

from . import _aiortc_hooks as hooks
from .errors import MediaClosedError
from .negotiation import VideoCodec
from .router import Router, RouterOptions

logger = logging.getLogger(__name__)


@dataclass
class IceServer:
    """A TURN (or STUN) server offered to peers; always configured, never defaulted."""

    urls: list[str]
    """``turn:host:port?transport=udp`` and the like."""
    username: str | None = None
    """TURN username (for coturn's REST API scheme, a time-limited one)."""
    credential: str | None = None
    """TURN password."""


@dataclass
class EngineOptions:
    """How the node's SFU runs."""

    ice_servers: list[IceServer] = field(default_factory=list)
    """ICE servers for the server's own candidates. Empty: host candidates only."""
    host_addresses: list[str] | None = None
    """IPs offered as host candidates (process-wide); ``None``: every interface.
    A dev server and the tests use ``["127.0.0.1"]``."""
    video_codec: VideoCodec = VideoCodec.VP8
    """Default video codec of a consultation."""
    max_sdp_bytes: int = 64 * 1024
    """Largest SDP accepted from a client."""


class Engine:
    """Creates and owns the routers of this process."""

    def __init__(self, options: EngineOptions) -> None:
        self.options = options
        self.routers: dict[str, Router] = {}
        self.closed = False
        self._started = False
        self._ice_servers = [
            RTCIceServer(urls=s.urls, username=s.username, credential=s.credential)
            for s in options.ice_servers
        ]

    async def start(self) -> None:
        """Check aiortc's internals and apply the host-address policy. Idempotent."""
        if self._started:
            return
        await hooks.self_check()
        hooks.restrict_host_addresses(self.options.host_addresses)
        self._started = True

    def create_router(self, options: RouterOptions | None = None) -> Router:
        if self.closed:
            raise MediaClosedError("the media engine is closed")
        router = Router(
            self,
            options or RouterOptions(),
            self._ice_servers,
            VideoCodec(self.options.video_codec),
            self.options.max_sdp_bytes,
            self._on_router_closed,
        )
        self.routers[router.id] = router
        return router

    def _on_router_closed(self, router: Router) -> None:
        self.routers.pop(router.id, None)

    async def close(self) -> None:
        """Close every router. Idempotent."""
        if self.closed:
            return
        self.closed = True
        for router in list(self.routers.values()):
            await router.close()
