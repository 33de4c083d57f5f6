"""What every workflow route shares: the services, the caller, the body, the refusals.

Routes of the workflow API take the caller's *access* token (from ``/api/auth/login``)
as ``Authorization: Bearer <token>``; join tokens are refused there, as access tokens
are refused by the live consultation. The caller's account is read again on every
request, so a disabled account or a changed role takes effect at once.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from rooms import NotPermittedError, RecordingConsentMissingError, RoomsError
from rooms.access import Actor
from rooms.account import Account
from rooms.directory import Directory
from rooms.login import Login, LoginPolicy, PasswordHasher
from rooms.notification import Notifier
from rooms.sql_store import open_sql_store
from rooms.workflow import Workflow
from rooms.workflow_errors import (
    AccountLockedError,
    AccountNotFoundError,
    AttachmentTooLargeError,
    InvalidCredentialsError,
    InvalidFieldError,
    RecordNotFoundError,
    RefreshTokenInvalidError,
    UnsupportedAttachmentError,
)
from rooms.workflow_store import WorkflowStore

from .auth import AccessGrant, Argon2PasswordHasher, TokenAuthority
from .errors import (
    AccountDisabledError,
    InvalidPayloadError,
    SignalingError,
    TokenInvalidError,
    TokenMissingError,
)
from .signing import NodeSigningKey
from .studies import StudyLibrary

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass(frozen=True)
class WorkflowOptions:
    """What the workflow API needs from the configuration."""

    data_dir: Path
    """``server.data_dir``: the SQLite file, attachments and the signing key live here."""
    public_url: str
    """``server.public_url``: join links and FHIR URLs start with it."""
    store_url: str = ""
    """``store.url``: empty for SQLite in the data folder, or ``postgresql://...``."""
    access_token_ttl_s: int = 900
    """``auth.access_token_ttl_s``: lifetime of an access token."""
    join_link_ttl_s: int = 86400
    """``auth.join_link_ttl_s``: lifetime of the token in a join link."""
    max_upload_bytes: int = 20 * 1024 * 1024
    """``limits.upload_bytes``: the largest attachment accepted."""

    @property
    def recordings_dir(self) -> Path:
        """Where the recorder keeps sealed recordings (as ``signaling.app.recordings_root``)."""
        return self.data_dir / "recordings"


@dataclass(frozen=True)
class WorkflowServices:
    store: WorkflowStore
    workflow: Workflow
    login: Login
    directory: Directory
    authority: TokenAuthority
    signing_key: NodeSigningKey
    case_studies: StudyLibrary
    """The CT studies sent with referrals, by case id."""
    options: WorkflowOptions
    clock_ms: Callable[[], int]


class WorkflowHost:
    """Opens the workflow's store and services with the app and closes them with it."""

    def __init__(
        self,
        options: WorkflowOptions,
        authority: TokenAuthority,
        *,
        hasher: PasswordHasher | None = None,
        clock_ms: Callable[[], int] = wall_clock_ms,
        notifier: Notifier | None = None,
        login_policy: LoginPolicy | None = None,
    ) -> None:
        self.options = options
        self._authority = authority
        self._hasher = hasher or Argon2PasswordHasher()
        self._clock_ms = clock_ms
        self._notifier = notifier
        self._login_policy = login_policy
        self._services: WorkflowServices | None = None

    @property
    def services(self) -> WorkflowServices:
        if self._services is None:
            raise RuntimeError("the workflow store is not open (the app has not started)")
        return self._services

    async def open(self) -> WorkflowServices:
        options = self.options
        store = await open_sql_store(options.store_url, options.data_dir)
        self._services = WorkflowServices(
            store=store,
            workflow=Workflow(store, options.data_dir, self._clock_ms, self._notifier),
            login=Login(store, self._hasher, self._clock_ms, self._login_policy),
            directory=Directory(store, self._hasher, self._clock_ms),
            authority=self._authority,
            signing_key=NodeSigningKey.load_or_create(options.data_dir),
            case_studies=StudyLibrary(options.data_dir / "case-studies"),
            options=options,
            clock_ms=self._clock_ms,
        )
        return self._services

    async def active_account(self, token: object) -> tuple[Account, AccessGrant]:
        """The account of a genuine access token, if it exists and is enabled."""
        found = self.services
        grant = found.authority.verify_access(token)
        try:
            account = await found.store.get_account(grant.account_id)
        except AccountNotFoundError:
            raise TokenInvalidError("the token's account does not exist") from None
        if account.disabled_at_ms is not None:
            raise AccountDisabledError("the account is disabled")
        return account, grant

    async def close(self) -> None:
        if self._services is not None:
            await self._services.store.close()
            self._services = None

    async def lifetime(self, app: web.Application) -> AsyncIterator[None]:
        """For ``app.cleanup_ctx``."""
        await self.open()
        yield
        await self.close()


WORKFLOW = web.AppKey("workflow", WorkflowHost)


def services(request: web.Request) -> WorkflowServices:
    return request.app[WORKFLOW].services


async def caller(request: web.Request) -> Actor:
    """The authenticated caller: a genuine access token of an existing, enabled account."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise TokenMissingError("send your access token as 'Authorization: Bearer <token>'")
    account, _ = await request.app[WORKFLOW].active_account(token.strip())
    return Actor(account, request.remote or "")


async def json_object(request: web.Request) -> dict[str, Any]:
    """The request body, which must be a JSON object."""
    try:
        body = await request.json()
    except ValueError:
        raise InvalidPayloadError("the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise InvalidPayloadError("the body must be a JSON object")
    return body


#: HTTP statuses of the workflow's named errors, most specific first; others are 409.
_STATUS: tuple[tuple[type[RoomsError], int], ...] = (
    (InvalidFieldError, 400),
    (InvalidCredentialsError, 401),
    (RefreshTokenInvalidError, 401),
    (NotPermittedError, 403),
    (RecordNotFoundError, 404),
    (AttachmentTooLargeError, 413),
    (UnsupportedAttachmentError, 415),
    (AccountLockedError, 429),
    (RecordingConsentMissingError, 409),
)


def refusal_response(error: RoomsError | SignalingError) -> web.Response:
    """The JSON error reply (the shape of ``signaling.api.error_middleware``'s), with the
    field named for field errors and ``Retry-After`` for a locked account."""
    status = (
        error.http_status
        if isinstance(error, SignalingError)
        else next((s for t, s in _STATUS if isinstance(error, t)), 409)
    )
    body: dict[str, Any] = {"code": error.code, "message": str(error)}
    headers = {}
    if isinstance(error, InvalidFieldError):
        body["field"] = error.field
    if isinstance(error, AccountLockedError):
        headers["Retry-After"] = str(error.retry_after_s)
    return web.json_response({"error": body}, status=status, headers=headers)


def guarded(handler: Handler) -> Handler:
    """``handler`` with named refusals turned into JSON replies; anything else is left to
    the app's error middleware (which logs it and answers 500)."""

    async def guarded_handler(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except (RoomsError, SignalingError) as error:
            return refusal_response(error)

    return guarded_handler
