"""A case names its people: the case view shows who referred, decided and was assigned."""

from __future__ import annotations

from tests.workflow.http import Api
from tests.workflow.world import referral_body


async def test_a_referral_read_names_the_accounts_it_mentions(sqlite_api: Api) -> None:
    api, accounts = sqlite_api, sqlite_api.world.accounts
    created = await api.call("POST", "/api/referrals", "doctor", json=referral_body(api.world))
    assert created.status == 201, created.body
    assert "people" not in created.body  # only the single read carries names
    base = f"/api/referrals/{created.body['id']}"
    accepted = await api.call(
        "POST",
        f"{base}/accept",
        "coordinator",
        json={"expert_ids": [accounts["expert2"].id], "scheduled_at": "2026-03-03T09:00:00+08:00"},
    )
    assert accepted.status == 200, accepted.body
    consultation = await api.call("POST", f"{base}/consultation", "coordinator")
    created_at_ms = consultation.body["consultation_created_at_ms"]
    assert created_at_ms is not None

    read = await api.call("GET", base, "doctor")
    people = read.body["people"]
    assert set(people) == {
        accounts["doctor"].id,
        accounts["coordinator"].id,
        accounts["expert"].id,  # requested
        accounts["expert2"].id,  # assigned
    }
    assert people[accounts["expert"].id]["real_name"] == "李明"
    assert set(people[accounts["expert2"].id]) == {"real_name", "title", "specialty"}
    assert read.body["consultation_created_at_ms"] == created_at_ms
