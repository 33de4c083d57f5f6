"""Typed keys of what the app factory puts on the aiohttp application."""

from __future__ import annotations

from aiohttp import web

from media import Engine
from rooms import ConsultationStore

from .auth import TokenAuthority
from .config import Settings
from .export import Exporter
from .hub import Hub
from .studies import StudyLibrary

SETTINGS = web.AppKey("settings", Settings)
AUTHORITY = web.AppKey("authority", TokenAuthority)
ENGINE = web.AppKey("engine", Engine)
STORE = web.AppKey("store", ConsultationStore)
HUB = web.AppKey("hub", Hub)
EXPORTER = web.AppKey("exporter", Exporter)
STUDIES = web.AppKey("studies", StudyLibrary)
