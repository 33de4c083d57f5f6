"""Access tokens for the REST API, told apart from consultation join tokens."""

from __future__ import annotations

import jwt
import pytest

from rooms import Role
from rooms.account import AccountRole
from signaling.auth import TokenAuthority
from signaling.errors import TokenExpiredError, TokenInvalidError

SECRET = "a" * 40


class Clock:
    now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def access(authority: TokenAuthority, **overrides: object) -> str:
    claims: dict = {
        "account_id": "acct-0123456789abcdef",
        "display_name": "李明",
        "role": AccountRole.EXPERT,
        "institution_id": "inst-0123456789abcdef",
        "ttl_s": 900,
    }
    claims.update(overrides)
    return authority.issue_access(**claims)


def test_an_access_token_says_which_account_calls_until_when() -> None:
    clock = Clock()
    authority = TokenAuthority(SECRET, clock)
    grant = authority.verify_access(access(authority))
    assert (grant.account_id, grant.display_name, grant.role, grant.institution_id) == (
        "acct-0123456789abcdef",
        "李明",
        AccountRole.EXPERT,
        "inst-0123456789abcdef",
    )
    assert grant.expires_at_s - grant.issued_at_s == 900
    clock.now += 900
    with pytest.raises(TokenExpiredError):
        authority.verify_access(access(authority, ttl_s=0))


def test_access_and_join_tokens_never_stand_in_for_each_other() -> None:
    authority = TokenAuthority(SECRET, Clock())
    join = authority.issue(
        consultation_id="mdt-1", participant_id="p1", display_name="Dr", role=Role.EXPERT, ttl_s=60
    )
    assert jwt.decode(join, options={"verify_signature": False})["typ"] == "join"
    with pytest.raises(TokenInvalidError):
        authority.verify_access(join)
    with pytest.raises(TokenInvalidError):
        authority.verify(access(authority))
    # An access token with a consultation id stuck on is still no join token.
    claims = jwt.decode(access(authority), options={"verify_signature": False})
    stuck = jwt.encode({**claims, "con": "mdt-1"}, SECRET, algorithm="HS256")
    with pytest.raises(TokenInvalidError, match="not a consultation join token"):
        authority.verify(stuck)


def test_join_tokens_issued_before_the_typ_claim_still_verify() -> None:
    authority = TokenAuthority(SECRET, Clock())
    token = authority.issue(
        consultation_id="mdt-1", participant_id="p1", display_name="Dr", role=Role.EXPERT, ttl_s=60
    )
    claims = jwt.decode(token, options={"verify_signature": False})
    del claims["typ"]
    assert authority.verify(jwt.encode(claims, SECRET, algorithm="HS256")).participant_id == "p1"


@pytest.mark.parametrize(
    "change",
    [{"role": "expert-plus"}, {"inst": ""}, {"sub": "x" * 65}, {"typ": "refresh"}, {"name": " "}],
)
def test_access_tokens_with_bad_claims_are_refused(change: dict) -> None:
    authority = TokenAuthority(SECRET, Clock())
    claims = jwt.decode(access(authority), options={"verify_signature": False})
    with pytest.raises(TokenInvalidError):
        authority.verify_access(jwt.encode({**claims, **change}, SECRET, algorithm="HS256"))
    without = {k: v for k, v in claims.items() if k != "inst"}
    with pytest.raises(TokenInvalidError, match="inst"):
        authority.verify_access(jwt.encode(without, SECRET, algorithm="HS256"))
