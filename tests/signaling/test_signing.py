"""The node's Ed25519 key and the signed opinion it makes tamper-evident."""

from __future__ import annotations

import base64
import dataclasses
import stat
from pathlib import Path

from cryptography.hazmat.primitives.serialization import load_pem_public_key

from rooms.account import Account, AccountRole
from rooms.opinion import Opinion, OpinionContent, sign_opinion, signed_bytes, verify_opinion
from signaling.signing import KEY_FILE, NodeSigningKey

EXPERT = Account(
    id="acct-e",
    login="li",
    real_name="李明",
    role=AccountRole.EXPERT,
    title="主任医师",
    specialty="呼吸内科",
    institution_id="inst-t",
    password_hash="-",
    created_at_ms=0,
)
DRAFT = Opinion(
    id="op-1",
    case_id="ref-1",
    consultation_id="mdt-1",
    content=OpinionContent(diagnosis="社区获得性肺炎", recommendations="抗感染治疗"),
    created_by="acct-e",
    created_at_ms=1,
    updated_by="acct-e",
    updated_at_ms=1,
)


def test_the_key_is_made_once_owner_only_and_published(tmp_path: Path) -> None:
    key = NodeSigningKey.load_or_create(tmp_path)
    path = tmp_path / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = NodeSigningKey.load_or_create(tmp_path)
    assert again.key_id == key.key_id and len(key.key_id) == 16
    document = key.public_document()
    assert base64.b64decode(document["public_key"]) == key.public_key_raw
    assert load_pem_public_key(document["pem"].encode()) is not None
    assert "PRIVATE" not in str(document) and key.key_id in repr(key)


def test_a_signed_opinion_verifies_and_any_change_does_not(tmp_path: Path) -> None:
    key = NodeSigningKey.load_or_create(tmp_path)
    signed = sign_opinion(DRAFT, EXPERT, 5_000, key, ["bb" * 32, "aa" * 32])
    signature = signed.signature
    assert signature is not None
    assert signature.recording_manifest_sha256 == ("aa" * 32, "bb" * 32)
    assert verify_opinion(signed, key).ok
    assert "社区获得性肺炎".encode() in signed_bytes(signed, signature)
    changed = dataclasses.replace(
        signed, content=dataclasses.replace(signed.content, diagnosis="社区获得性肺癌")
    )
    assert verify_opinion(changed, key).problems == (
        "the signature does not match the stored content: it was changed",
    )
    other_key = NodeSigningKey.load_or_create(tmp_path / "elsewhere")
    assert not verify_opinion(signed, other_key).ok
    assert not verify_opinion(DRAFT, key).ok
