"""The opinion's content, its canonical form, and its freezing."""

from __future__ import annotations

import dataclasses

import pytest

from rooms.opinion import Opinion, OpinionContent, OpinionSignature, OpinionStatus, canonical_json
from rooms.workflow_errors import MissingFieldError, OpinionSignedError


def test_canonical_json_is_one_byte_string_per_value() -> None:
    assert canonical_json({"b": [1, "肺"], "a": None}) == '{"a":null,"b":[1,"肺"]}'.encode()
    assert canonical_json({"a": 1, "b": 2}) == canonical_json({"b": 2, "a": 1})


def test_a_draft_needs_a_diagnosis_and_recommendations_to_be_signed() -> None:
    content = OpinionContent.from_mapping({"summary": " 讨论 ", "unknown": "ignored"})
    assert content == OpinionContent(summary="讨论")
    with pytest.raises(MissingFieldError) as missing:
        content.check_complete()
    assert missing.value.field == "diagnosis"
    OpinionContent(diagnosis="肺炎", recommendations="抗感染").check_complete()
    assert "肺炎" not in repr(OpinionContent(diagnosis="肺炎"))


def test_revising_counts_and_a_signed_opinion_is_frozen() -> None:
    draft = Opinion("op-1", "ref-1", "mdt-1", OpinionContent(), "e1", 1, "e1", 1)
    revised = draft.revised(OpinionContent(diagnosis="肺炎"), "e2", 2)
    assert (revised.revision, revised.updated_by, revised.status) == (2, "e2", OpinionStatus.DRAFT)
    signed = dataclasses.replace(
        revised, signature=OpinionSignature("e2", "陈静", "", 3, "Ed25519", "k", (), "c2ln")
    )
    assert signed.status is OpinionStatus.SIGNED
    with pytest.raises(OpinionSignedError):
        signed.revised(OpinionContent(diagnosis="肺癌"), "e2", 4)
