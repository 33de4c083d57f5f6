"""Signed, short-lived tokens, and the password hashing behind logins.

A token is a JWT (RFC 7519) signed with HS256 under ``auth.secret``. Two kinds, told
apart by the ``typ`` claim so neither can stand in for the other:

- a *join* token (``typ`` ``join``, or absent in tokens issued before accounts
  existed) admits one person to one consultation. Claims: ``con`` consultation id,
  ``sub`` participant id, ``name`` display name, ``role``, optional ``inst``
  institution, ``iat``, ``exp`` and a unique ``jti``.
- an *access* token (``typ`` ``access``) says which account is calling the REST API.
  Claims: ``sub`` account id, ``name``, ``role`` (an account role), ``inst``
  institution id, ``iat``, ``exp``, ``jti``.
- a *review* token (``typ`` ``review``) has a join token's claims but only reads the
  consultation's record (recordings, studies) afterwards: it joins no call and uploads
  nothing.
- a *playback* token (``typ`` ``playback``) opens one recording's media files, for a
  cookie the review page's ``<video>`` elements send (they cannot send a header):
  a join token's claims plus ``rec``, the recording id, and never a later expiry.

Tokens are credentials: they are never logged and never put in a URL's path or query
(join links carry them in the fragment, which browsers do not send).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import argon2
import jwt

from rooms import InvalidConsultationIdError, Role, check_consultation_id
from rooms.account import AccountRole

from .errors import (
    TokenExpiredError,
    TokenInvalidError,
    TokenMissingError,
    WrongConsultationError,
)

ALGORITHM = "HS256"
JOIN_TOKEN = "join"
REVIEW_TOKEN = "review"
ACCESS_TOKEN = "access"
PLAYBACK_TOKEN = "playback"
_REQUIRED_CLAIMS = ("con", "sub", "name", "role", "iat", "exp", "jti")
_REQUIRED_ACCESS_CLAIMS = ("typ", "sub", "name", "role", "inst", "iat", "exp", "jti")
#: Display names and ids are shown to others and kept in the chat history: keep them short.
MAX_NAME_CHARS = 100
MAX_ID_CHARS = 64


@dataclass(frozen=True)
class Grant:
    """What a verified token allows: who someone is, in which consultation, until when."""

    consultation_id: str
    """The one consultation this token admits to (claim ``con``)."""
    participant_id: str
    """The holder's participant id in it (claim ``sub``)."""
    display_name: str
    """The name shown to the others (claim ``name``)."""
    role: Role
    """The holder's role (claim ``role``)."""
    institution: str | None
    """The holder's hospital or clinic, if named (claim ``inst``)."""
    issued_at_s: int
    """Issue time, seconds since the Unix epoch (claim ``iat``)."""
    expires_at_s: int
    """Expiry time, seconds since the Unix epoch (claim ``exp``)."""
    token_id: str
    """Unique id of the token (claim ``jti``), for revocation lists and audit."""
    review_only: bool = False
    """A review token's grant: reads the record, joins no call, changes nothing."""

    def check_consultation(self, consultation_id: str) -> None:
        """Raise :class:`WrongConsultationError` unless this grant is for ``consultation_id``."""
        if consultation_id != self.consultation_id:
            raise WrongConsultationError("your token is for another consultation")


class TokenAuthority:
    """Issues and verifies tokens with one signing key."""

    def __init__(self, secret: str, clock_s: Callable[[], float] = time.time) -> None:
        self._secret = secret
        self._clock_s = clock_s

    def __repr__(self) -> str:
        # The key must never reach a log line through a repr.
        return "TokenAuthority(HS256)"

    def seconds_left(self, expires_at_s: int) -> float:
        """How long until ``expires_at_s`` on this authority's clock (0 if past)."""
        return max(0.0, expires_at_s - self._clock_s())

    def issue(
        self,
        *,
        consultation_id: str,
        participant_id: str,
        display_name: str,
        role: Role,
        ttl_s: int,
        institution: str | None = None,
        review_only: bool = False,
    ) -> str:
        """A signed join (or, ``review_only``, review) token for these claims, valid for
        ``ttl_s`` seconds from now."""
        claims = _check_claims(
            {
                "con": consultation_id,
                "sub": participant_id,
                "name": display_name,
                "role": Role(role).value,
                "inst": institution,
            }
        )
        now_s = int(self._clock_s())
        payload = {
            "typ": REVIEW_TOKEN if review_only else JOIN_TOKEN,
            "con": claims.consultation_id,
            "sub": claims.participant_id,
            "name": claims.display_name,
            "role": claims.role.value,
            "iat": now_s,
            "exp": now_s + ttl_s,
            "jti": uuid.uuid4().hex,
        }
        if institution is not None:
            payload["inst"] = institution
        return jwt.encode(payload, self._secret, algorithm=ALGORITHM)

    def issue_playback(self, grant: Grant, recording_id: str, ttl_s: int) -> str:
        """A playback token for ``grant``'s holder and one recording of its consultation,
        valid for ``ttl_s`` seconds but never past the grant's own expiry."""
        now_s = int(self._clock_s())
        payload = {
            "typ": PLAYBACK_TOKEN,
            "con": grant.consultation_id,
            "rec": recording_id,
            "sub": grant.participant_id,
            "name": grant.display_name,
            "role": grant.role.value,
            "iat": now_s,
            "exp": min(now_s + ttl_s, grant.expires_at_s),
            "jti": uuid.uuid4().hex,
        }
        if grant.institution is not None:
            payload["inst"] = grant.institution
        return jwt.encode(payload, self._secret, algorithm=ALGORITHM)

    def verify_playback(self, token: object, consultation_id: str, recording_id: str) -> Grant:
        """The grant of a genuine, unexpired playback token for exactly this recording."""
        payload = self._decode(token, (*_REQUIRED_CLAIMS, "rec"), "open the review page again")
        if payload.get("typ") != PLAYBACK_TOKEN:
            raise TokenInvalidError("this is not a playback token")
        grant = self._grant(payload)
        grant.check_consultation(consultation_id)
        if payload["rec"] != recording_id:
            raise WrongConsultationError("this playback token is for another recording")
        return grant

    def verify(self, token: object, *, review_allowed: bool = False) -> Grant:
        """The grant of a genuine, unexpired join token (or, ``review_allowed``, review
        token); a named error otherwise."""
        payload = self._decode(token, _REQUIRED_CLAIMS, "ask for a new join link")
        kinds = (JOIN_TOKEN, REVIEW_TOKEN) if review_allowed else (JOIN_TOKEN,)
        if payload.get("typ", JOIN_TOKEN) not in kinds:
            raise TokenInvalidError("this is not a consultation join token")
        return self._grant(payload)

    @staticmethod
    def _grant(payload: dict[str, Any]) -> Grant:
        claims = _check_claims(payload)
        return Grant(
            consultation_id=claims.consultation_id,
            participant_id=claims.participant_id,
            display_name=claims.display_name,
            role=claims.role,
            institution=claims.institution,
            issued_at_s=payload["iat"],
            expires_at_s=payload["exp"],
            token_id=payload["jti"],
            review_only=payload.get("typ") == REVIEW_TOKEN,
        )

    def issue_access(
        self,
        *,
        account_id: str,
        display_name: str,
        role: AccountRole,
        institution_id: str,
        ttl_s: int,
    ) -> str:
        """A signed access token for an account, valid for ``ttl_s`` seconds from now."""
        now_s = int(self._clock_s())
        payload = {
            "typ": ACCESS_TOKEN,
            "sub": account_id,
            "name": display_name,
            "role": AccountRole(role).value,
            "inst": institution_id,
            "iat": now_s,
            "exp": now_s + ttl_s,
            "jti": uuid.uuid4().hex,
        }
        _check_access_claims(payload)
        return jwt.encode(payload, self._secret, algorithm=ALGORITHM)

    def verify_access(self, token: object) -> AccessGrant:
        """The grant of a genuine, unexpired access token; a named error otherwise."""
        payload = self._decode(token, _REQUIRED_ACCESS_CLAIMS, "refresh it or log in again")
        if payload["typ"] != ACCESS_TOKEN:
            raise TokenInvalidError("this is not an access token; log in to get one")
        _check_access_claims(payload)
        return AccessGrant(
            account_id=payload["sub"],
            display_name=payload["name"],
            role=AccountRole(payload["role"]),
            institution_id=payload["inst"],
            issued_at_s=payload["iat"],
            expires_at_s=payload["exp"],
            token_id=payload["jti"],
        )

    def _decode(self, token: object, required: tuple[str, ...], renew: str) -> dict[str, Any]:
        """The claims of a genuine, unexpired token of either kind; ``renew`` tells an
        expired token's holder what to do."""
        if token is None or token == "":
            raise TokenMissingError("a token is required")
        if not isinstance(token, str):
            raise TokenInvalidError("the token must be a string")
        try:
            # The algorithm is fixed, never taken from the token's header ("alg": "none" attacks).
            payload: dict[str, Any] = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                options={
                    "require": list(required),
                    # Expiry is checked below against our clock, the one tests control.
                    "verify_exp": False,
                    "verify_iat": False,
                },
                leeway=0,
            )
        except jwt.InvalidSignatureError:
            raise TokenInvalidError("the token's signature is not valid") from None
        except jwt.MissingRequiredClaimError as exc:
            raise TokenInvalidError(f"the token lacks the claim {exc.claim!r}") from None
        except jwt.InvalidTokenError:
            raise TokenInvalidError("the token is malformed") from None
        for claim in ("iat", "exp"):
            if not isinstance(payload[claim], int) or isinstance(payload[claim], bool):
                raise TokenInvalidError(f"the token's {claim!r} claim must be an integer")
        if not isinstance(payload["jti"], str):
            raise TokenInvalidError("the token's 'jti' claim must be a string")
        if payload["exp"] <= self._clock_s():
            raise TokenExpiredError(f"the token has expired; {renew}")
        return payload


@dataclass(frozen=True)
class AccessGrant:
    """What a verified access token says: which account is calling, until when."""

    account_id: str
    """Claim ``sub``."""
    display_name: str
    """The account's real name (claim ``name``)."""
    role: AccountRole
    """The account's role when the token was issued (claim ``role``)."""
    institution_id: str
    """Claim ``inst``."""
    issued_at_s: int
    expires_at_s: int
    token_id: str


def _check_access_claims(payload: dict[str, Any]) -> None:
    for claim in ("sub", "inst"):
        value = payload.get(claim)
        if not isinstance(value, str) or not 0 < len(value) <= MAX_ID_CHARS:
            raise TokenInvalidError(
                f"the token's {claim!r} claim must be 1-{MAX_ID_CHARS} characters"
            )
    name = payload.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME_CHARS:
        raise TokenInvalidError(f"the token's display name must be 1-{MAX_NAME_CHARS} characters")
    try:
        AccountRole(str(payload.get("role")))
    except ValueError:
        raise TokenInvalidError("the token's role is not an account role") from None


class Argon2PasswordHasher:
    """A :class:`rooms.login.PasswordHasher` with argon2id (RFC 9106).

    The default parameters are RFC 9106's second recommendation (64 MiB, 3 passes),
    tuned for a server that hashes on login only; tests pass cheaper ones.
    """

    def __init__(self, parameters: argon2.Parameters | None = None) -> None:
        self._hasher = argon2.PasswordHasher.from_parameters(
            parameters or argon2.profiles.RFC_9106_LOW_MEMORY
        )

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except argon2.exceptions.VerificationError:
            return False
        except argon2.exceptions.InvalidHashError:
            # A corrupt stored hash must not let anyone in, nor take the server down.
            return False


@dataclass(frozen=True)
class _Claims:
    consultation_id: str
    participant_id: str
    display_name: str
    role: Role
    institution: str | None


def _check_claims(payload: dict[str, Any]) -> _Claims:
    try:
        consultation_id = check_consultation_id(payload.get("con"))
    except InvalidConsultationIdError as exc:
        raise TokenInvalidError(f"the token's consultation id is malformed: {exc}") from None
    participant_id = payload.get("sub")
    if not isinstance(participant_id, str) or not 0 < len(participant_id) <= MAX_ID_CHARS:
        raise TokenInvalidError(f"the token's participant id must be 1-{MAX_ID_CHARS} characters")
    name = payload.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME_CHARS:
        raise TokenInvalidError(f"the token's display name must be 1-{MAX_NAME_CHARS} characters")
    try:
        role = Role(payload.get("role"))
    except ValueError:
        raise TokenInvalidError(
            f"the token's role must be one of {', '.join(r.value for r in Role)}"
        ) from None
    institution = payload.get("inst")
    if institution is not None and (
        not isinstance(institution, str) or len(institution) > MAX_NAME_CHARS
    ):
        raise TokenInvalidError(f"the token's institution must be 1-{MAX_NAME_CHARS} characters")
    return _Claims(consultation_id, participant_id, name, role, institution)
