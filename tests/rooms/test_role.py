"""Roles: the values tokens carry and what each role may do."""

from __future__ import annotations

from rooms import Role


def test_role_values_are_the_strings_tokens_carry() -> None:
    assert [r.value for r in Role] == ["inviting", "coordinator", "expert", "observer"]
    assert Role("expert") is Role.EXPERT


def test_everyone_but_observers_may_publish() -> None:
    assert {r for r in Role if r.may_publish} == {Role.INVITING, Role.COORDINATOR, Role.EXPERT}
