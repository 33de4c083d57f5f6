"""A real coturn for the test run, on loopback, checking TURN REST API credentials
(``use-auth-secret``) exactly as deploy/turnserver.conf has it do in production.

Relays only between loopback addresses (the test's own), no TLS, no CLI, no database
beyond the temporary folder. Without ``turnserver`` this raises: CI installs the Debian
package ``coturn``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.server import free_port

REALM = "mdt.test"
#: A safety net for start-up, not an expectation.
START_TIMEOUT_S = 15


@dataclass(frozen=True)
class Coturn:
    port: int
    secret: str

    @property
    def url(self) -> str:
        return f"turn:127.0.0.1:{self.port}?transport=udp"


def _answers_stun(port: int) -> bool:
    """Whether a STUN Binding request to the port gets any answer (RFC 5389 header)."""
    request = bytes.fromhex("0001 0000 2112a442".replace(" ", "")) + os.urandom(12)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.settimeout(0.2)
        probe.sendto(request, ("127.0.0.1", port))
        try:
            return bool(probe.recv(2048))
        except OSError:
            return False


@contextmanager
def coturn_server(secret: str) -> Iterator[Coturn]:
    binary = shutil.which("turnserver")
    if binary is None:
        raise RuntimeError("coturn is not installed: apt-get install coturn")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="mdt-coturn-") as folder:
        relay_port = free_port()
        process = subprocess.Popen(
            [
                binary,
                "--no-stdout-log",
                f"--log-file={Path(folder) / 'turn.log'}",
                f"--userdb={Path(folder) / 'turndb'}",
                f"--pidfile={Path(folder) / 'turn.pid'}",
                "--listening-ip=127.0.0.1",
                f"--listening-port={port}",
                "--relay-ip=127.0.0.1",
                f"--min-port={relay_port}",
                f"--max-port={relay_port + 20}",
                "--use-auth-secret",
                f"--static-auth-secret={secret}",
                f"--realm={REALM}",
                "--no-tls",
                "--no-dtls",
                "--no-cli",
                "--no-tcp-relay",
                "--allow-loopback-peers",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while not _answers_stun(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"coturn did not start (exit {process.poll()})")
            yield Coturn(port, secret)
        finally:
            process.terminate()
            process.wait(timeout=10)
