"""The app factory: the one place that chooses implementations and wires them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import socketio
from aiohttp import web

from media import Engine, EngineOptions, IceServer, VideoCodec
from rooms import ConsultationLimits, MemoryConsultationStore

from .api import add_routes, error_middleware
from .app_keys import AUTHORITY, ENGINE, HUB, SETTINGS, STORE
from .auth import TokenAuthority
from .config import Settings
from .hub import Hub
from .namespace import ConsultationNamespace, SocketNotifier
from .pages import add_pages, security_headers
from .protocol import IceServerInfo


def create_app(settings: Settings) -> web.Application:
    """A ready aiohttp application; the media engine starts with the app's startup."""
    app = web.Application(middlewares=[security_headers, error_middleware])
    sio = socketio.AsyncServer(
        async_mode="aiohttp",
        # Only the pages this server serves may open a socket (a token in a page of
        # another origin must not be usable from there).
        cors_allowed_origins=[settings.public_origin],
        max_http_buffer_size=settings.limits.socket_message_bytes,
        ping_interval=settings.signaling.ping_interval_s,
        ping_timeout=settings.signaling.ping_timeout_s,
        logger=False,
        engineio_logger=False,
    )
    sio.attach(app)
    media = settings.media
    engine = Engine(
        EngineOptions(
            ice_servers=[
                IceServer(list(s.urls), s.username, s.credential) for s in media.ice_servers
            ],
            host_addresses=list(media.host_addresses) or None,
            video_codec=VideoCodec(media.video_codec),
            max_sdp_bytes=settings.limits.sdp_bytes,
        )
    )
    store = MemoryConsultationStore(
        ConsultationLimits(
            max_participants=settings.limits.participants_per_consultation,
            chat_history_messages=settings.limits.chat_history_messages,
        )
    )
    authority = TokenAuthority(settings.auth.secret)
    hub = Hub(
        engine,
        store,
        SocketNotifier(sio),
        [IceServerInfo(list(s.urls), s.username, s.credential) for s in media.ice_servers],
    )
    ConsultationNamespace(sio, hub, authority, settings.limits)
    app[SETTINGS] = settings
    app[AUTHORITY] = authority
    app[ENGINE] = engine
    app[STORE] = store
    app[HUB] = hub
    app.cleanup_ctx.append(_media_lifetime)
    add_routes(app)
    add_pages(app)
    return app


async def _media_lifetime(app: web.Application) -> AsyncIterator[None]:
    await app[ENGINE].start()
    yield
    await app[HUB].close()
    await app[ENGINE].close()
