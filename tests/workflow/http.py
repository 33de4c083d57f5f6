"""The workflow API on a real loopback HTTP server (aiohttp's TestServer), with a real
client, over a real store: the routes exactly as the app factory adds them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer

from rooms.notification import Payload
from signaling.access_api import WorkflowHost, WorkflowOptions, WorkflowServices
from signaling.api import error_middleware
from signaling.auth import TokenAuthority
from signaling.workflow_api import add_workflow_routes
from tests.workflow.world import PASSWORD, Clock, World, build_world, cheap_hasher

SECRET = "workflow-test-secret-" + "s" * 32
PUBLIC_URL = "https://mdt.example.org"
MAX_UPLOAD_BYTES = 256 * 1024


@dataclass
class Pushes:
    """A :class:`rooms.notification.Notifier` that remembers what it pushed."""

    sent: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    async def notify(self, account_id: str, event: str, payload: Payload) -> None:
        self.sent.append((account_id, event, dict(payload)))


@dataclass
class Reply:
    status: int
    body: Any
    headers: Any

    @property
    def code(self) -> str | None:
        return (
            self.body["error"]["code"]
            if isinstance(self.body, dict) and "error" in self.body
            else None
        )


@dataclass
class Api:
    http: aiohttp.ClientSession
    world: World
    services: WorkflowServices
    authority: TokenAuthority
    clock: Clock
    pushes: Pushes
    data_dir: Path
    access: dict[str, str] = field(default_factory=dict)

    async def login(self, name: str, password: str = PASSWORD) -> Reply:
        return await self.call(
            "POST", "/api/auth/login", json={"login": name, "password": password}
        )

    async def token(self, name: str) -> str:
        if name not in self.access:
            reply = await self.login(name)
            assert reply.status == 200, reply
            self.access[name] = reply.body["access_token"]
        return self.access[name]

    async def call(
        self,
        method: str,
        path: str,
        as_: str | None = None,
        *,
        json: Any = None,
        data: Any = None,
        token: str | None = None,
    ) -> Reply:
        headers = {}
        if as_ is not None:
            token = await self.token(as_)
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        async with self.http.request(method, path, json=json, data=data, headers=headers) as r:
            kind = r.headers.get("Content-Type", "")
            if "json" in kind:
                body: Any = await r.json(content_type=None)
            elif r.status == 204:
                body = None
            else:
                body = await r.read()
            return Reply(r.status, body, r.headers)


@asynccontextmanager
async def workflow_api(
    data_dir: Path, store_url: str, clock: Clock, authority: TokenAuthority | None = None
) -> AsyncIterator[Api]:
    """The API; ``authority`` (default: one on ``clock``) signs its access and join tokens."""
    authority = authority or TokenAuthority(SECRET, clock.seconds)
    pushes = Pushes()
    host = WorkflowHost(
        WorkflowOptions(
            data_dir=data_dir,
            public_url=PUBLIC_URL,
            store_url=store_url,
            max_upload_bytes=MAX_UPLOAD_BYTES,
        ),
        authority,
        hasher=cheap_hasher(),
        clock_ms=clock,
        notifier=pushes,
    )
    app = web.Application(middlewares=[error_middleware])
    add_workflow_routes(app, host)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        world = await build_world(host.services.store, clock)
        async with aiohttp.ClientSession(str(server.make_url(""))) as http:
            yield Api(http, world, host.services, authority, clock, pushes, data_dir)
    finally:
        await server.close()
