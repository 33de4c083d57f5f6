"""This node's Ed25519 key, which signs consultation opinions.

The private key lives in the data folder (PKCS #8 PEM, owner-only), generated on the
first start; the public key is published at ``/api/signing-key`` so anyone holding an
exported opinion can check it. Ed25519 (RFC 8032) signatures are deterministic and
small. In a production deployment in China the opinion would additionally carry a
CA-issued SM2 signature (电子签名法); this key makes any later change detectable.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

#: Where the key is kept, inside the data folder.
KEY_FILE = Path("signing") / "node-ed25519.pem"
ALGORITHM = "Ed25519"


class NodeSigningKey:
    """A :class:`rooms.opinion.SigningKey` on an Ed25519 private key."""

    algorithm = ALGORITHM

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._private_key = private_key
        self.public_key_raw = private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.key_id = hashlib.sha256(self.public_key_raw).hexdigest()[:16]
        """The first 64 bits of the public key's SHA-256, in hex: names the key in records."""

    def __repr__(self) -> str:
        return f"NodeSigningKey({self.key_id})"

    @classmethod
    def load_or_create(cls, data_dir: Path) -> NodeSigningKey:
        """The key in ``data_dir``, generated (mode 0600) if there is none yet."""
        path = data_dir / KEY_FILE
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            pem = Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            # O_EXCL: of two processes starting at once, one writes and both read it.
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(pem)
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} does not hold an Ed25519 private key")
        return cls(key)

    def sign(self, data: bytes) -> bytes:
        return self._private_key.sign(data)

    def verify(self, data: bytes, signature: bytes) -> bool:
        try:
            self._private_key.public_key().verify(signature, data)
        except InvalidSignature:
            return False
        return True

    def public_document(self) -> dict[str, str]:
        """The public key as published: raw (base64) and as a PEM SubjectPublicKeyInfo."""
        pem = self._private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return {
            "algorithm": ALGORITHM,
            "key_id": self.key_id,
            "public_key": base64.b64encode(self.public_key_raw).decode(),
            "pem": pem.decode(),
        }
