"""Accounts: real-name people at an institution, each with one role in the workflow."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .fields import SHORT_TEXT_CHARS, choice, optional_text, required_text
from .role import Role
from .workflow_errors import InvalidFieldError

_LOGIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{2,63}")
MIN_PASSWORD_CHARS = 10


class AccountRole(StrEnum):
    """What an account may do in the workflow (not in a live consultation: see :class:`Role`)."""

    INVITING_DOCTOR = "inviting-doctor"
    """邀请方医师: refers patients of their own institution and records consent."""
    COORDINATOR = "coordinator"
    """远程医学中心协调员: accepts or declines referrals addressed to their institution."""
    EXPERT = "expert"
    """受邀专家: joins the consultations assigned to them and signs the opinion."""
    ADMINISTRATOR = "administrator"
    """Manages institutions and accounts; never reads patient data."""
    AUDITOR = "auditor"
    """Reads the audit log; never reads patient data."""

    @property
    def consultation_role(self) -> Role | None:
        """The role this account holds when it joins a consultation, if it ever does."""
        return _CONSULTATION_ROLES.get(self)


_CONSULTATION_ROLES = {
    AccountRole.INVITING_DOCTOR: Role.INVITING,
    AccountRole.COORDINATOR: Role.COORDINATOR,
    AccountRole.EXPERT: Role.EXPERT,
}


@dataclass(frozen=True)
class Account:
    """One person's account. The password is only ever held as its argon2id hash."""

    id: str
    login: str
    """The login name (not shown to others; ASCII letters, digits, ``._@-``)."""
    real_name: str
    """The person's real name (实名), shown on opinions and to the other party."""
    role: AccountRole
    title: str
    """Professional title (职称), e.g. ``主任医师``; may be empty for non-clinicians."""
    specialty: str
    """Specialty (专业), e.g. ``呼吸内科``; may be empty for non-clinicians."""
    institution_id: str
    password_hash: str = field(repr=False)
    created_at_ms: int
    failed_logins: int = 0
    """Failed logins since the last success or lock-out."""
    locked_until_ms: int | None = None
    """While the clock is before this, logins are refused."""
    disabled_at_ms: int | None = None
    """When an administrator disabled the account; a disabled account cannot log in."""


@dataclass(frozen=True)
class AccountRequest:
    """What an administrator submits to create an account."""

    login: str
    real_name: str
    role: AccountRole
    title: str
    specialty: str
    institution_id: str
    password: str = field(repr=False)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> AccountRequest:
        login = required_text(data, "login", "登录名", max_chars=64)
        if not _LOGIN.fullmatch(login):
            raise InvalidFieldError(
                "login", "login must be 3-64 letters, digits, '.', '_', '@' or '-' (登录名格式错误)"
            )
        password = data.get("password")
        if not isinstance(password, str) or len(password) < MIN_PASSWORD_CHARS:
            raise InvalidFieldError(
                "password",
                f"password must be at least {MIN_PASSWORD_CHARS} characters "
                f"(密码至少{MIN_PASSWORD_CHARS}位)",
            )
        return cls(
            login=login,
            real_name=required_text(data, "real_name", "真实姓名", max_chars=100),
            role=choice(data, "role", "角色", AccountRole),
            title=optional_text(data, "title", "职称", max_chars=SHORT_TEXT_CHARS),
            specialty=optional_text(data, "specialty", "专业", max_chars=SHORT_TEXT_CHARS),
            institution_id=required_text(data, "institution_id", "所属机构", max_chars=64),
            password=password,
        )
