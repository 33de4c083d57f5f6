"""Test helpers for the workflow: a clock the test moves, and a small world of
institutions and accounts (one of each role at each side) built through the real
store and hasher."""

from __future__ import annotations

from dataclasses import dataclass, field

import argon2

from rooms.access import Actor
from rooms.account import Account, AccountRequest, AccountRole
from rooms.directory import create_account
from rooms.institution import Institution, InstitutionLevel
from rooms.record_id import new_record_id
from rooms.workflow_store import WorkflowStore
from signaling.auth import Argon2PasswordHasher
from tests.support import accounts

#: 2026-03-01T00:00:00Z
T0_MS = 1_772_323_200_000
PASSWORD = "correct horse battery"


def cheap_hasher() -> Argon2PasswordHasher:
    """argon2id with the smallest parameters: the same code path, milliseconds per hash."""
    return Argon2PasswordHasher(argon2.profiles.CHEAPEST)


@dataclass
class Clock:
    """Milliseconds since the epoch, moved by the test."""

    now_ms: int = T0_MS

    def __call__(self) -> int:
        return self.now_ms

    def seconds(self) -> float:
        return self.now_ms / 1000

    def advance(self, *, minutes: float = 0, seconds: float = 0) -> None:
        self.now_ms += int((minutes * 60 + seconds) * 1000)


@dataclass
class World:
    """Institutions and accounts, by short names."""

    institutions: dict[str, Institution] = field(default_factory=dict)
    accounts: dict[str, Account] = field(default_factory=dict)

    def actor(self, name: str) -> Actor:
        return Actor(self.accounts[name], "127.0.0.1")


#: name, role, title, specialty, institution name
PEOPLE = (
    ("doctor", AccountRole.INVITING_DOCTOR, "乡村医生", "全科", "village"),
    ("other-doctor", AccountRole.INVITING_DOCTOR, "执业医师", "全科", "village"),
    ("county-doctor", AccountRole.INVITING_DOCTOR, "主治医师", "内科", "county"),
    ("coordinator", AccountRole.COORDINATOR, "", "远程医学中心", "tertiary"),
    ("other-coordinator", AccountRole.COORDINATOR, "", "远程医学中心", "other-tertiary"),
    ("expert", AccountRole.EXPERT, "主任医师", "呼吸内科", "tertiary"),
    ("expert2", AccountRole.EXPERT, "副主任医师", "医学影像科", "tertiary"),
    ("unassigned-expert", AccountRole.EXPERT, "主任医师", "胸外科", "tertiary"),
    ("other-expert", AccountRole.EXPERT, "主任医师", "呼吸内科", "other-tertiary"),
    ("auditor", AccountRole.AUDITOR, "", "质控科", "tertiary"),
    ("admin", AccountRole.ADMINISTRATOR, "", "信息科", "tertiary"),
)
PLACES = {
    "village": ("青山村卫生室", InstitutionLevel.VILLAGE_CLINIC),
    "county": ("平安县人民医院", InstitutionLevel.COUNTY_HOSPITAL),
    "tertiary": ("省第一人民医院", InstitutionLevel.TERTIARY_HOSPITAL),
    "other-tertiary": ("市中心医院", InstitutionLevel.TERTIARY_HOSPITAL),
}
REAL_NAMES = {
    "doctor": "王建国",
    "other-doctor": "赵丽",
    "county-doctor": "周强",
    "coordinator": "刘敏",
    "other-coordinator": "吴芳",
    "expert": "李明",
    "expert2": "陈静",
    "unassigned-expert": "黄涛",
    "other-expert": "郑浩",
    "auditor": "钱文",
    "admin": "孙强",
}


async def build_world(store: WorkflowStore, clock: Clock) -> World:
    world = World()
    hasher = cheap_hasher()
    for key, (name, level) in PLACES.items():
        institution = Institution(new_record_id("inst"), name, level, clock())
        await store.add_institution(institution)
        world.institutions[key] = institution
    for key, role, title, specialty, place in PEOPLE:
        request = AccountRequest(
            key, REAL_NAMES[key], role, title, specialty, world.institutions[place].id, PASSWORD
        )
        world.accounts[key] = await create_account(
            store, hasher, request, new_record_id("acct"), clock()
        )
    return world


def referral_body(world: World, **overrides: object) -> dict[str, object]:
    """A complete referral from the village clinic to the tertiary hospital."""
    body: dict[str, object] = accounts.referral_body(
        world.institutions["tertiary"].id,
        world.accounts["expert"].id,
        "2026-03-03T09:00:00+08:00",
    )
    body.update(overrides)
    return body
