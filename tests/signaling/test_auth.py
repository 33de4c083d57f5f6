"""Tokens: what they carry, and every way a bad one is refused."""

from __future__ import annotations

import base64
import json

import jwt
import pytest

from rooms import Role
from signaling.auth import TokenAuthority
from signaling.errors import (
    TokenExpiredError,
    TokenInvalidError,
    TokenMissingError,
    WrongConsultationError,
)

SECRET = "k" * 40


class Clock:
    def __init__(self, now: float = 1_800_000_000) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def issue(authority: TokenAuthority, **overrides: object) -> str:
    claims: dict = {
        "consultation_id": "mdt-7",
        "participant_id": "p-li",
        "display_name": "李医生",
        "role": Role.EXPERT,
        "ttl_s": 60,
        "institution": "省人民医院",
    }
    claims.update(overrides)
    return authority.issue(**claims)


def test_a_token_carries_who_where_and_until_when() -> None:
    clock = Clock()
    authority = TokenAuthority(SECRET, clock)
    grant = authority.verify(issue(authority))
    assert (grant.consultation_id, grant.participant_id, grant.display_name) == (
        "mdt-7",
        "p-li",
        "李医生",
    )
    assert grant.role is Role.EXPERT and grant.institution == "省人民医院"
    assert grant.expires_at_s - grant.issued_at_s == 60
    grant.check_consultation("mdt-7")
    with pytest.raises(WrongConsultationError):
        grant.check_consultation("mdt-8")
    assert SECRET not in repr(authority)


def test_expiry_follows_the_clock() -> None:
    clock = Clock()
    authority = TokenAuthority(SECRET, clock)
    token = issue(authority)
    clock.now += 59
    authority.verify(token)
    clock.now += 1
    with pytest.raises(TokenExpiredError):
        authority.verify(token)


def _forge(payload: dict, header: dict) -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part(header)}.{part(payload)}."


def test_forged_and_malformed_tokens_are_refused() -> None:
    authority = TokenAuthority(SECRET, Clock())
    with pytest.raises(TokenMissingError):
        authority.verify(None)
    with pytest.raises(TokenInvalidError):
        authority.verify(7)
    token = issue(authority)
    other = TokenAuthority("z" * 40, Clock())
    with pytest.raises(TokenInvalidError, match="signature"):
        other.verify(token)
    payload = jwt.decode(token, options={"verify_signature": False})
    with pytest.raises(TokenInvalidError):
        authority.verify(_forge(payload, {"alg": "none", "typ": "JWT"}))
    payload["role"] = "admin"
    with pytest.raises(TokenInvalidError, match="role"):
        authority.verify(jwt.encode(payload, SECRET, algorithm="HS256"))
    del payload["jti"]
    payload["role"] = "expert"
    with pytest.raises(TokenInvalidError, match="jti"):
        authority.verify(jwt.encode(payload, SECRET, algorithm="HS256"))


@pytest.mark.parametrize(
    "overrides",
    [
        {"consultation_id": "../etc"},
        {"participant_id": ""},
        {"display_name": " "},
        {"display_name": "x" * 101},
    ],
)
def test_bad_claims_cannot_be_issued(overrides: dict) -> None:
    with pytest.raises(TokenInvalidError):
        issue(TokenAuthority(SECRET, Clock()), **overrides)


def test_a_playback_token_opens_one_recording_until_its_join_token_expires() -> None:
    clock = Clock()
    authority = TokenAuthority(SECRET, clock)
    join = issue(authority, ttl_s=600)
    grant = authority.verify(join)
    playback = authority.issue_playback(grant, "20260303T010500-0a1b2c3d", 3600)
    again = authority.verify_playback(playback, "mdt-7", "20260303T010500-0a1b2c3d")
    assert (again.participant_id, again.role, again.institution) == (
        "p-li",
        Role.EXPERT,
        "省人民医院",
    )
    # Never past the join token it came from.
    assert again.expires_at_s == grant.expires_at_s
    with pytest.raises(WrongConsultationError):
        authority.verify_playback(playback, "mdt-7", "20260303T010500-ffffffff")
    with pytest.raises(WrongConsultationError):
        authority.verify_playback(playback, "mdt-8", "20260303T010500-0a1b2c3d")
    # Neither kind stands in for the other.
    with pytest.raises(TokenInvalidError, match="lacks the claim 'rec'"):
        authority.verify_playback(join, "mdt-7", "20260303T010500-0a1b2c3d")
    with pytest.raises(TokenInvalidError, match="not a consultation join token"):
        authority.verify(playback)
    clock.now += 600
    with pytest.raises(TokenExpiredError):
        authority.verify_playback(playback, "mdt-7", "20260303T010500-0a1b2c3d")
