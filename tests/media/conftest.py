"""Fixtures for media tests: a real engine on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from media import Engine, EngineOptions, Router, RouterOptions


@pytest.fixture
async def engine() -> AsyncIterator[Engine]:
    engine = Engine(EngineOptions(ice_servers=[], host_addresses=["127.0.0.1"]))
    await engine.start()
    yield engine
    await engine.close()


@pytest.fixture
def router(engine: Engine) -> Router:
    return engine.create_router(RouterOptions(app_data={"consultation_id": "test"}))
