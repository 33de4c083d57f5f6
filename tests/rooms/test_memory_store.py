"""The embedded store: one object per consultation id."""

from __future__ import annotations

import pytest

from rooms import (
    ConsultationNotFoundError,
    ConsultationStore,
    InvalidConsultationIdError,
    MemoryConsultationStore,
    Role,
)


async def test_get_or_create_returns_the_same_consultation_for_the_same_id() -> None:
    store: ConsultationStore = MemoryConsultationStore()
    first = await store.get_or_create("mdt-1", "First")
    first.join("p-li", "Dr Li", Role.EXPERT)
    await store.save(first)
    again = await store.get_or_create("mdt-1", "A different title")
    assert again.title == "First"
    assert list(again.participants) == ["p-li"]
    assert (await store.get("mdt-1")) is again


async def test_an_unknown_consultation_is_a_named_error() -> None:
    with pytest.raises(ConsultationNotFoundError):
        await MemoryConsultationStore().get("nope")


async def test_a_malformed_id_is_refused_before_anything_is_created() -> None:
    store = MemoryConsultationStore()
    with pytest.raises(InvalidConsultationIdError):
        await store.get_or_create("../etc", "x")
    with pytest.raises(ConsultationNotFoundError):
        await store.get("../etc")
