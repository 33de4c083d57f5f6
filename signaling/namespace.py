"""The Socket.IO side: authenticate at connect, validate every event, reply to each.

Only three handlers are registered with python-socketio: ``connect``,
``disconnect`` and the catch-all ``*``. Every client event goes through the
catch-all, so an unknown name, a missing payload or a payload of the wrong
shape is answered by the same code as a good one, and never reaches a handler
with the wrong arguments.

Two kinds of connection: a consultation connection (``auth: {token}``, a join token)
takes part in one consultation; a desk connection (``auth: {access_token}``, a logged-in
account) only receives that account's notifications and is refused every event.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import socketio

from rooms.account import Account
from rooms.notification import Payload

from .auth import AccessGrant, TokenAuthority
from .config import LimitsConfig
from .errors import NotificationsOnlyError, UnknownEventError, error_reply
from .hub import Hub
from .live_consultation import ClientSession
from .protocol import (
    ChatRequest,
    ClientEvent,
    ErrorInfo,
    IceCandidateRequest,
    MediaStateRequest,
    NotificationInfo,
    PublishRequest,
    RecordingConsentRequest,
    RecordingStartRequest,
    RecordingStopRequest,
    ServerEvent,
    SubscribeAnswerRequest,
    ViewerControlRequest,
    ViewerMeasureRequest,
    ViewerUpdateRequest,
    ok,
    parse_event,
    parse_request,
    refused,
)

logger = logging.getLogger(__name__)


class SocketNotifier:
    """A :class:`signaling.live_consultation.Notifier` over a Socket.IO server."""

    def __init__(self, sio: socketio.AsyncServer) -> None:
        self._sio = sio

    async def to_client(self, sid: str, event: ServerEvent, payload: object) -> None:
        await self._sio.emit(event.value, _json(payload), to=sid)

    async def to_consultation(
        self, consultation_id: str, event: ServerEvent, payload: object, skip_sid: str | None
    ) -> None:
        await self._sio.emit(event.value, _json(payload), room=consultation_id, skip_sid=skip_sid)

    async def enter(self, sid: str, consultation_id: str) -> None:
        await self._sio.enter_room(sid, consultation_id)

    async def exit(self, sid: str, consultation_id: str) -> None:
        await self._sio.leave_room(sid, consultation_id)

    async def disconnect(self, sid: str) -> None:
        await self._sio.disconnect(sid)


def account_room(account_id: str) -> str:
    # A colon never occurs in a consultation id, so no consultation's room is named so.
    return f"account:{account_id}"


class AccountNotifier:
    """A :class:`rooms.notification.Notifier`: pushes to every desk connection of an account."""

    def __init__(self, sio: socketio.AsyncServer) -> None:
        self._sio = sio

    async def notify(self, account_id: str, event: str, payload: Payload) -> None:
        info = NotificationInfo(event, dict(payload))
        await self._sio.emit(
            ServerEvent.NOTIFICATION.value, _json(info), room=account_room(account_id)
        )


#: Checks a desk connection's access token: its enabled account, and the token's grant.
AccountAdmission = Callable[[object], Awaitable[tuple[Account, AccessGrant]]]


def _json(payload: object) -> dict[str, Any]:
    return dataclasses.asdict(payload)  # type: ignore[call-overload, no-any-return]


class ConsultationNamespace:
    """Binds the protocol to a :class:`Hub` on one Socket.IO server."""

    def __init__(
        self,
        sio: socketio.AsyncServer,
        hub: Hub,
        authority: TokenAuthority,
        limits: LimitsConfig,
        accounts: AccountAdmission,
    ) -> None:
        self._sio = sio
        self._hub = hub
        self._authority = authority
        self._limits = limits
        self._accounts = accounts
        self._sessions: dict[str, ClientSession] = {}
        self._desk: dict[str, asyncio.TimerHandle] = {}
        """Desk connections, each with the timer that closes it when its token expires."""
        self._closing: set[asyncio.Task[None]] = set()
        sio.on("connect", self._on_connect)
        sio.on("disconnect", self._on_disconnect)
        sio.on("*", self._on_event)

    async def _on_connect(self, sid: str, environ: dict[str, Any], auth: Any) -> None:
        token = auth.get("token") if isinstance(auth, dict) else None
        try:
            if isinstance(auth, dict) and "access_token" in auth:
                await self._admit_desk(sid, auth["access_token"])
                return
            grant = self._authority.verify(token)
        except Exception as exc:
            reply = error_reply(exc)
            logger.info("refused a connection: %s", reply.code)
            # The client sees ``connect_error`` with ``message`` and ``data.code``.
            raise socketio.exceptions.ConnectionRefusedError(
                reply.message, {"code": reply.code}
            ) from None
        self._sessions[sid] = ClientSession(sid, grant)

    async def _admit_desk(self, sid: str, token: object) -> None:
        account, grant = await self._accounts(token)
        await self._sio.enter_room(sid, account_room(account.id))
        # The connection lasts as long as its token; the desk reconnects with a renewed
        # one, so a disabled account stops hearing within one token lifetime.
        self._desk[sid] = asyncio.get_running_loop().call_later(
            self._authority.seconds_left(grant.expires_at_s), self._expire, sid
        )

    def _expire(self, sid: str) -> None:
        task = asyncio.create_task(self._sio.disconnect(sid))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def _on_disconnect(self, sid: str, reason: Any = None) -> None:
        expiry = self._desk.pop(sid, None)
        if expiry is not None:
            expiry.cancel()
        session = self._sessions.pop(sid, None)
        if session is not None:
            await self._hub.leave(session, "disconnected")

    async def _on_event(self, event: Any, sid: str, *args: Any) -> dict[str, Any]:
        session = self._sessions.get(sid)
        try:
            if session is None and sid in self._desk:
                raise NotificationsOnlyError(
                    "this connection receives notifications only; "
                    "open a join link to take part in a consultation"
                )
            if session is None:
                raise UnknownEventError("this connection is not authenticated")
            name = parse_event(event)
            request = parse_request(name, args, self._limits)
            async with session.lock:
                return ok(await self._dispatch(name, session, request))
        except Exception as exc:
            reply = error_reply(exc)
            if reply.http_status >= 500:
                logger.exception("event %s failed", str(event)[:40])
            info = ErrorInfo(reply.code, reply.message, str(event)[:40])
            if isinstance(exc, UnknownEventError):
                await self._sio.emit(ServerEvent.REQUEST_ERROR.value, _json(info), to=sid)
            return refused(info)

    async def _dispatch(self, event: ClientEvent, session: ClientSession, request: Any) -> Any:
        if event is ClientEvent.JOIN:
            return await self._hub.join(session)
        if event is ClientEvent.LEAVE:
            await self._hub.leave(session, "left")
            return None
        live = self._hub.find(session)
        if isinstance(request, PublishRequest):
            return await live.publish(session, request)
        if isinstance(request, SubscribeAnswerRequest):
            return await live.subscribe_answer(session, request.sdp)
        if isinstance(request, IceCandidateRequest):
            return await live.ice_candidate(session, request)
        if isinstance(request, ChatRequest):
            return await live.chat(session, request.text)
        if isinstance(request, MediaStateRequest):
            return await live.media_state(session, request)
        if isinstance(request, RecordingConsentRequest):
            return await live.set_recording_consent(session, request.granted)
        if isinstance(request, RecordingStartRequest):
            return await live.start_recording(session)
        if isinstance(request, RecordingStopRequest):
            return await live.stop_recording(session)
        if isinstance(request, ViewerUpdateRequest):
            return await live.viewer_update(session, request)
        if isinstance(request, ViewerControlRequest):
            return await live.viewer_control(session, request)
        if isinstance(request, ViewerMeasureRequest):
            return await live.viewer_measure(session, request)
        raise AssertionError(f"no handler for {event}")  # every ClientEvent is handled above
