"""Reading the fields of a submitted record, with errors that name the field.

Submissions arrive as JSON objects. Each reader takes the object, the key, a label
for people (Chinese, as the forms show it) and the dotted path prefix, and either
returns a clean value or raises :class:`~rooms.workflow_errors.InvalidFieldError`
whose ``field`` is the full path and whose message names it in both languages.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Any, TypeVar

from .workflow_errors import InvalidFieldError, MissingFieldError

E = TypeVar("E", bound=StrEnum)

#: Free-text clinical fields (summary, history, opinion sections) are bounded, not short.
LONG_TEXT_CHARS = 20_000
SHORT_TEXT_CHARS = 200


def required_text(
    data: Mapping[str, Any], key: str, label: str, *, where: str = "", max_chars: int = 2000
) -> str:
    """The stripped text at ``key``; absent, blank or not a string is an error."""
    text = optional_text(data, key, label, where=where, max_chars=max_chars)
    if not text:
        raise MissingFieldError(f"{where}{key}", f"{where}{key} is required (必填：{label})")
    return text


def optional_text(
    data: Mapping[str, Any], key: str, label: str, *, where: str = "", max_chars: int = 2000
) -> str:
    """The stripped text at ``key``, or ``""`` when absent or null."""
    value = data.get(key)
    if value is None:
        return ""
    field = f"{where}{key}"
    if not isinstance(value, str):
        raise InvalidFieldError(field, f"{field} must be text (应为文本：{label})")
    if len(value) > max_chars:
        raise InvalidFieldError(
            field, f"{field} is longer than {max_chars} characters ({label}超过{max_chars}字)"
        )
    return value.strip()


def text_list(
    data: Mapping[str, Any],
    key: str,
    label: str,
    *,
    where: str = "",
    max_items: int = 20,
    max_chars: int = SHORT_TEXT_CHARS,
) -> tuple[str, ...]:
    """A list of non-blank strings at ``key`` (absent: empty), without duplicates."""
    value = data.get(key)
    if value is None:
        return ()
    field = f"{where}{key}"
    if not isinstance(value, list) or len(value) > max_items:
        raise InvalidFieldError(
            field, f"{field} must be a list of at most {max_items} texts ({label})"
        )
    items: list[str] = []
    for item in value:
        if not isinstance(item, str) or not item.strip() or len(item) > max_chars:
            raise InvalidFieldError(
                field, f"{field} must hold non-blank texts of at most {max_chars} characters"
            )
        if item.strip() not in items:
            items.append(item.strip())
    return tuple(items)


def instant_ms(data: Mapping[str, Any], key: str, label: str, *, where: str = "") -> int:
    """An ISO 8601 date-time with a UTC offset (``2026-03-01T09:00:00+08:00``) as epoch ms.

    The offset is required: a clinic and a hospital may not share a time zone, and a
    consultation booked at an ambiguous hour is a missed consultation.
    """
    field = f"{where}{key}"
    value = data.get(key)
    if value is None or value == "":
        raise MissingFieldError(field, f"{field} is required (必填：{label})")
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise InvalidFieldError(
            field,
            f"{field} must be an ISO 8601 date-time with a UTC offset, "
            f"e.g. 2026-03-01T09:00:00+08:00 ({label}格式错误)",
        )
    return int(parsed.timestamp() * 1000)


def iso_date(data: Mapping[str, Any], key: str, label: str, *, where: str = "") -> str:
    """An ISO 8601 calendar date (``1958-04-12``), returned in that form."""
    field = f"{where}{key}"
    text = required_text(data, key, label, where=where, max_chars=10)
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise InvalidFieldError(
            field, f"{field} must be a date like 1958-04-12 ({label}格式错误)"
        ) from None


def choice(data: Mapping[str, Any], key: str, label: str, kind: type[E], *, where: str = "") -> E:
    """One of the values of the enumeration ``kind``."""
    field = f"{where}{key}"
    value = data.get(key)
    if value is None or value == "":
        raise MissingFieldError(field, f"{field} is required (必填：{label})")
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise InvalidFieldError(
            field, f"{field} must be one of {allowed} ({label}取值无效)"
        ) from None


def section(data: Mapping[str, Any], key: str, label: str, *, where: str = "") -> Mapping[str, Any]:
    """The JSON object at ``key`` (a group of fields such as ``patient``)."""
    value = data.get(key)
    field = f"{where}{key}"
    if value is None:
        raise MissingFieldError(field, f"{field} is required (必填：{label})")
    if not isinstance(value, Mapping):
        raise InvalidFieldError(field, f"{field} must be an object ({label})")
    return value


def whole_number(
    data: Mapping[str, Any], key: str, label: str, *, default: int, low: int, high: int
) -> int:
    """An integer in ``[low, high]`` at ``key``; ``default`` when absent."""
    value = data.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise InvalidFieldError(key, f"{key} must be a whole number from {low} to {high} ({label})")
    return value
