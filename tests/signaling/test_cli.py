"""The mdt-server command: dev links and configuration checks, run as a user would."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from signaling import pages
from signaling.app import create_app
from signaling.auth import TokenAuthority
from signaling.config import dev_secret
from signaling.errors import ConfigError
from tests.imaging.phantom import make_phantom, write_series
from tests.support.server import free_port, loopback_settings


def mdt_server(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from signaling.cli import main; raise SystemExit(main())", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).parents[2])},
    )


def test_dev_link_prints_a_join_url_whose_token_the_dev_server_accepts(tmp_path: Path) -> None:
    result = mdt_server(
        "dev-link",
        "--consultation",
        "demo",
        "--name",
        "Dr Li",
        "--role",
        "expert",
        "--institution",
        "县医院",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    url = urlsplit(result.stdout.strip())
    assert (url.scheme, url.netloc, url.path) == ("http", "127.0.0.1:8080", "/join")
    assert url.query == "" and url.fragment.startswith("token=")
    grant = TokenAuthority(dev_secret(tmp_path / "mdt-data")).verify(url.fragment[6:])
    assert (grant.consultation_id, grant.display_name, grant.role.value) == (
        "demo",
        "Dr Li",
        "expert",
    )
    assert grant.institution == "县医院"
    assert "token" not in result.stderr


def test_dev_link_refuses_a_bad_role_and_a_bad_consultation_id(tmp_path: Path) -> None:
    bad_role = mdt_server(
        "dev-link", "--consultation", "demo", "--name", "X", "--role", "king", cwd=tmp_path
    )
    assert bad_role.returncode == 2 and "invalid choice" in bad_role.stderr
    bad_id = mdt_server(
        "dev-link", "--consultation", "a/b", "--name", "X", "--role", "expert", cwd=tmp_path
    )
    assert bad_id.returncode == 2 and "consultation id" in bad_id.stderr


def test_check_config_names_the_bad_key(tmp_path: Path) -> None:
    (tmp_path / "c.toml").write_text("[server]\nprot = 1\n")
    result = mdt_server("check-config", "--config", "c.toml", cwd=tmp_path)
    assert result.returncode == 2
    assert "unknown config key 'server.prot'" in result.stderr


def test_dev_server_starts_answers_and_stops_cleanly(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from signaling.cli import main; raise SystemExit(main())",
            "--dev",
            "--port",
            str(port),
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).parents[2])},
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert json.load(r)["status"] == "ok"
                    break
            except OSError:
                assert process.poll() is None, process.communicate()
                assert time.monotonic() < deadline, "the dev server did not come up"
                time.sleep(0.2)
        assert (tmp_path / "mdt-data" / "dev-secret").exists()
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert f"http://127.0.0.1:{port}" in out


def test_inspect_series_prints_each_series_as_json(tmp_path: Path) -> None:
    write_series(tmp_path / "study", make_phantom(), skip=(3,))
    result = mdt_server("inspect-series", "study", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (report,) = json.loads(result.stdout)
    assert report["modality"] == "CT" and report["slice_count"] == 39
    assert report["rows"] == report["columns"] == 64
    assert report["spacing_mm"] == [2.5, 0.7, 0.8]
    assert any("missing" in w for w in report["warnings"])
    (tmp_path / "note.txt").write_text("not dicom")
    bad = mdt_server("inspect-series", "note.txt", cwd=tmp_path)
    assert bad.returncode == 2 and "not-dicom" in bad.stderr


def test_a_server_without_the_npm_dependencies_says_so_at_start_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages, "SOCKET_IO_DIST", tmp_path / "absent")
    with pytest.raises(ConfigError, match="npm ci"):
        create_app(loopback_settings(tmp_path))
