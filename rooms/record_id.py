"""Ids of durable records: a short type prefix and 64 random bits.

Random, not sequential, so an id in a URL tells nothing about how many cases an
institution has and cannot be guessed; the alphabet also suits consultation ids
(:func:`rooms.consultation.check_consultation_id`) and URL paths.
"""

from __future__ import annotations

import re
import secrets

RECORD_ID = re.compile(r"[a-z]{2,4}-[0-9a-f]{16}")


def new_record_id(prefix: str) -> str:
    """A new id such as ``ref-3f9a0c1d2b4e5f60``."""
    return f"{prefix}-{secrets.token_hex(8)}"
