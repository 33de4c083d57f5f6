"""The access policy: roles, and which cases are within an account's reach."""

from __future__ import annotations

import dataclasses

from rooms.access import Action, allowed_actions, case_in_reach, role_may
from rooms.account import Account, AccountRole
from tests.rooms.test_referral import referral

PATIENT_DATA = {a for a in Action if a not in (Action.SEARCH_AUDIT, Action.MANAGE_DIRECTORY)}


def account(role: AccountRole, institution_id: str, account_id: str = "acct-x") -> Account:
    return Account(account_id, "x", "某", role, "", "", institution_id, "-", 0)


def test_administrators_and_auditors_touch_no_patient_data() -> None:
    for role in (AccountRole.ADMINISTRATOR, AccountRole.AUDITOR):
        assert not allowed_actions(role) & PATIENT_DATA
    assert role_may(AccountRole.AUDITOR, Action.SEARCH_AUDIT)
    assert not role_may(AccountRole.ADMINISTRATOR, Action.SEARCH_AUDIT)
    assert not role_may(AccountRole.AUDITOR, Action.MANAGE_DIRECTORY)


def test_only_experts_write_and_sign_and_only_coordinators_decide() -> None:
    for role in AccountRole:
        assert role_may(role, Action.SIGN_OPINION) is (role is AccountRole.EXPERT)
        assert role_may(role, Action.ACCEPT_REFERRAL) is (role is AccountRole.COORDINATOR)
        assert role_may(role, Action.RECORD_CONSENT) is (role is AccountRole.INVITING_DOCTOR)


def test_reach_follows_the_institution_or_the_assignment() -> None:
    case = dataclasses.replace(referral(), assigned_expert_ids=("acct-e1",))
    assert case_in_reach(account(AccountRole.INVITING_DOCTOR, "inst-v"), case)
    assert not case_in_reach(account(AccountRole.INVITING_DOCTOR, "inst-t"), case)
    assert case_in_reach(account(AccountRole.COORDINATOR, "inst-t"), case)
    assert not case_in_reach(account(AccountRole.COORDINATOR, "inst-v"), case)
    assert case_in_reach(account(AccountRole.EXPERT, "inst-t", "acct-e1"), case)
    assert not case_in_reach(account(AccountRole.EXPERT, "inst-t", "acct-e2"), case)
    assert not case_in_reach(account(AccountRole.ADMINISTRATOR, "inst-t"), case)
