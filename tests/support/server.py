"""A real server (the app factory's app on a loopback port) for integration tests."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from rooms import Role
from rooms.audit import AuditQuery, AuditRecord
from signaling.access_api import WORKFLOW
from signaling.app import create_app
from signaling.app_keys import AUTHORITY, HUB
from signaling.auth import TokenAuthority
from signaling.config import Settings, load_settings
from signaling.hub import Hub

TEST_SECRET = "test-secret-" + "x" * 40


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def loopback_settings(data_dir: Path, **overrides: Any) -> Settings:
    """Loopback-only settings: host candidates on 127.0.0.1, no ICE servers."""
    return load_settings(
        overrides={
            "server.port": free_port(),
            "server.data_dir": str(data_dir),
            "auth.secret": TEST_SECRET,
            "media.host_addresses": ["127.0.0.1"],
            **overrides,
        }
    )


@dataclass
class RunningServer:
    settings: Settings
    app: web.Application

    @property
    def url(self) -> str:
        return self.settings.server.public_url

    @property
    def authority(self) -> TokenAuthority:
        return self.app[AUTHORITY]

    @property
    def hub(self) -> Hub:
        return self.app[HUB]

    async def audit(self) -> list[AuditRecord]:
        """The durable audit trail, oldest first."""
        store = self.app[WORKFLOW].services.store
        return await store.search_audit(AuditQuery(limit=1000))

    def token(
        self,
        consultation_id: str,
        participant_id: str,
        name: str,
        role: Role = Role.EXPERT,
        ttl_s: int = 600,
        institution: str | None = None,
    ) -> str:
        return self.authority.issue(
            consultation_id=consultation_id,
            participant_id=participant_id,
            display_name=name,
            role=role,
            ttl_s=ttl_s,
            institution=institution,
        )


@asynccontextmanager
async def running_server(settings: Settings) -> AsyncIterator[RunningServer]:
    app = create_app(settings)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.server.host, settings.server.port)
    await site.start()
    try:
        yield RunningServer(settings, app)
    finally:
        await runner.cleanup()
