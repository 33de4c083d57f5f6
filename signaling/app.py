"""The app factory: the one place that chooses implementations and wires them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import socketio
from aiohttp import web

from media import Engine, EngineOptions, IceServer, VideoCodec
from rooms import ConsultationLimits, MemoryConsultationStore

from .access_api import WorkflowHost, WorkflowOptions
from .api import add_routes, error_middleware
from .app_keys import AUTHORITY, ENGINE, EXPORTER, HUB, SETTINGS, STORE, STUDIES
from .auth import TokenAuthority
from .config import Settings
from .consent_gate import ConsentGate
from .export import Exporter
from .hub import Hub
from .namespace import AccountNotifier, ConsultationNamespace, SocketNotifier
from .pages import add_pages, security_headers
from .recording import recover_interrupted
from .recording_api import add_recording_routes
from .studies import StudyLibrary
from .studies_api import add_study_routes
from .turn import IceServerOffer
from .workflow_api import add_workflow_routes


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
                IceServer(list(s.urls), s.username, s.credential)
                for s in media.ice_servers
                if not s.shared_secret
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
    studies = StudyLibrary(Path(settings.server.data_dir) / "studies")
    workflow = WorkflowHost(
        WorkflowOptions(
            data_dir=Path(settings.server.data_dir),
            public_url=settings.server.public_url,
            store_url=settings.store.url,
            access_token_ttl_s=settings.auth.access_token_ttl_s,
            join_link_ttl_s=settings.auth.join_link_ttl_s,
            max_upload_bytes=settings.limits.upload_bytes,
        ),
        authority,
        notifier=AccountNotifier(sio),
    )
    hub = Hub(
        engine,
        store,
        SocketNotifier(sio),
        IceServerOffer(media.ice_servers).for_participant,
        recordings_root(settings),
        studies,
        ConsentGate(workflow).recording_consent,
    )
    ConsultationNamespace(sio, hub, authority, settings.limits, workflow.active_account)
    app[SETTINGS] = settings
    app[AUTHORITY] = authority
    app[ENGINE] = engine
    app[STORE] = store
    app[HUB] = hub
    app[STUDIES] = studies
    app[EXPORTER] = Exporter(Path(settings.server.data_dir) / "exports", studies.root)
    app.cleanup_ctx.append(_media_lifetime)
    add_routes(app)
    add_recording_routes(app)
    add_study_routes(app)
    add_workflow_routes(app, workflow)
    add_pages(app)
    return app


def recordings_root(settings: Settings) -> Path:
    return Path(settings.server.data_dir) / "recordings"


async def _media_lifetime(app: web.Application) -> AsyncIterator[None]:
    # A recording the last run could not stop is sealed (as interrupted) before anything.
    root = app[HUB].recordings_root
    root.mkdir(parents=True, exist_ok=True)
    await asyncio.to_thread(recover_interrupted, root)
    await app[ENGINE].start()
    yield
    await app[EXPORTER].close()
    await app[HUB].close()
    await app[ENGINE].close()
