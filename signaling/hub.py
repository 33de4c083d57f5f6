"""The live consultations of this node, opened on first join and closed when empty."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from media import Engine, RouterOptions
from rooms import ConsultationStore
from rooms.viewer import SeriesExtent

from .errors import NotJoinedYetError
from .live_consultation import ClientSession, LeaveReason, LiveConsultation, Notifier
from .protocol import IceServerInfo, JoinReply
from .studies import StudyLibrary


class Hub:
    """Maps consultation ids to :class:`LiveConsultation` objects."""

    def __init__(
        self,
        engine: Engine,
        store: ConsultationStore,
        notifier: Notifier,
        ice_servers: Callable[[str], list[IceServerInfo]],
        recordings_root: Path,
        studies: StudyLibrary,
        recording_consent: Callable[[str], Awaitable[bool | None]],
    ) -> None:
        self.live: dict[str, LiveConsultation] = {}
        self._engine = engine
        self._store = store
        self._notifier = notifier
        self._ice_servers = ice_servers
        self.recordings_root = recordings_root
        self.studies = studies
        self._recording_consent = recording_consent
        # Opening, joining into and closing a live consultation never interleave, so a
        # join cannot land in a consultation whose last participant is just closing it.
        self._lock = asyncio.Lock()
        self._closed = False
        self._tasks: set[asyncio.Task[Any]] = set()

    async def join(self, session: ClientSession) -> JoinReply:
        consultation_id = session.grant.consultation_id
        # Series kept on disk (sent with the referral, or uploaded before a restart) are on
        # the shared viewer from the start; read outside the lock, which every join takes.
        kept = {} if consultation_id in self.live else await self.studies.extents(consultation_id)
        async with self._lock:
            live = self.live.get(consultation_id)
            if live is None:
                consultation = await self._store.get_or_create(consultation_id, consultation_id)
                for uid, extent in kept.items():
                    if uid not in consultation.viewer.series:
                        consultation.viewer.add_series(uid, extent)
                router = self._engine.create_router(
                    RouterOptions(app_data={"consultation_id": consultation_id})
                )
                live = LiveConsultation(
                    consultation,
                    router,
                    self._notifier,
                    self._ice_servers,
                    self._on_empty,
                    self.recordings_root,
                    self.studies,
                    self._recording_consent,
                )
                self.live[consultation_id] = live
            reply = await live.join(session)
        await self._store.save(live.consultation)
        return reply

    async def add_series(self, consultation_id: str, series_uid: str, extent: SeriesExtent) -> None:
        """A series was uploaded: the shared viewer may show it; those present are told."""
        async with self._lock:
            live = self.live.get(consultation_id)
            consultation = (
                live.consultation
                if live is not None
                else await self._store.get_or_create(consultation_id, consultation_id)
            )
            consultation.viewer.add_series(series_uid, extent)
            await self._store.save(consultation)
        if live is not None:
            await live.series_added(series_uid)

    def find(self, session: ClientSession) -> LiveConsultation:
        """The live consultation ``session`` has joined, or :class:`NotJoinedYetError`."""
        live = self.live.get(session.grant.consultation_id)
        if live is None or live.sessions.get(session.participant_id) is not session:
            raise NotJoinedYetError("join the consultation first")
        return live

    async def leave(self, session: ClientSession, reason: LeaveReason) -> None:
        """Leave if joined; a no-op otherwise (a socket that never joined disconnects)."""
        live = self.live.get(session.grant.consultation_id)
        if live is not None:
            await live.leave(session, reason)

    async def _on_empty(self, live: LiveConsultation) -> None:
        # Called from inside a leave, which may itself run inside a join (a replaced
        # session) that holds the lock: release later, and only if still empty.
        task = asyncio.ensure_future(self._release(live))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _release(self, live: LiveConsultation) -> None:
        async with self._lock:
            if self._closed or live.sessions or self.live.get(live.id) is not live:
                return
            del self.live[live.id]
            await live.close()
            await self._store.save(live.consultation)

    async def close(self) -> None:
        """Close every live consultation (server shutdown). Idempotent."""
        async with self._lock:
            self._closed = True
            lives = list(self.live.values())
            self.live.clear()
        for live in lives:
            await live.close()
        for task in list(self._tasks):
            task.cancel()
