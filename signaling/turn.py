"""The ICE servers a participant is offered, with TURN credentials of their own.

With a shared secret (coturn's ``use-auth-secret`` / ``static-auth-secret``), nobody
gets a lasting TURN password: each join reply carries a username ``<expiry>:<who>`` and
its HMAC-SHA1 under the secret (the TURN REST API scheme, draft-uberti-behave-turn-rest),
which coturn checks on its own and refuses once the expiry has passed. A link shared
outside the consultation therefore stops opening the relay when its credentials expire.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable, Sequence

from .config import IceServerConfig
from .protocol import IceServerInfo


def turn_credentials(secret: str, user: str, expires_at_s: int) -> tuple[str, str]:
    """The username and password coturn accepts until ``expires_at_s`` for ``user``."""
    username = f"{expires_at_s}:{user}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode()


class IceServerOffer:
    """The configured ICE servers as one participant's join reply offers them."""

    def __init__(
        self, servers: Sequence[IceServerConfig], clock_s: Callable[[], float] = time.time
    ) -> None:
        self._servers = tuple(servers)
        self._clock_s = clock_s

    def for_participant(self, participant_id: str) -> list[IceServerInfo]:
        offered = []
        for server in self._servers:
            username, credential = server.username, server.credential
            if server.shared_secret:
                expires_at_s = int(self._clock_s()) + server.credential_ttl_s
                username, credential = turn_credentials(
                    server.shared_secret, participant_id, expires_at_s
                )
            offered.append(IceServerInfo(list(server.urls), username, credential))
        return offered
