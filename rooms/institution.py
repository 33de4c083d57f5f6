"""Institutions: the clinics that invite and the hospitals that are invited."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .fields import choice, required_text

#: Join tokens carry the institution's name (claim ``inst``), which is bounded to this.
MAX_NAME_CHARS = 100


class InstitutionLevel(StrEnum):
    """The tier of the Chinese health system an institution belongs to."""

    VILLAGE_CLINIC = "village-clinic"
    """村卫生室"""
    TOWNSHIP_HEALTH_CENTRE = "township-health-centre"
    """乡镇卫生院"""
    COUNTY_HOSPITAL = "county-hospital"
    """县级医院"""
    TERTIARY_HOSPITAL = "tertiary-hospital"
    """三级医院"""


@dataclass(frozen=True)
class Institution:
    """A medical institution; accounts and referrals belong to one."""

    id: str
    name: str
    """Its registered name, e.g. ``青山村卫生室``."""
    level: InstitutionLevel
    created_at_ms: int


@dataclass(frozen=True)
class InstitutionRequest:
    """What an administrator submits to register an institution."""

    name: str
    level: InstitutionLevel

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> InstitutionRequest:
        return cls(
            name=required_text(data, "name", "机构名称", max_chars=MAX_NAME_CHARS),
            level=choice(data, "level", "机构级别", InstitutionLevel),
        )
