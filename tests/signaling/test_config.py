"""The configuration tree: strict keys, sources in order, the --dev preset, the sample."""

from __future__ import annotations

import dataclasses
import stat
import tomllib
from pathlib import Path

import pytest

from signaling.config import Settings, load_settings
from signaling.errors import ConfigError, UnknownConfigKeyError

SECRET = "s" * 40
SAMPLE = Path(__file__).parents[2] / "deploy" / "config-sample.toml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_dev_preset_binds_loopback_offers_loopback_candidates_and_generates_a_secret(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    settings = load_settings(overrides={"server.data_dir": str(data)}, dev=True)
    assert settings.server.host == "127.0.0.1"
    assert settings.server.public_url == "http://127.0.0.1:8080"
    assert settings.media.host_addresses == ("127.0.0.1",)
    assert settings.media.ice_servers == ()
    assert len(settings.auth.secret) >= 32
    secret_file = data / "dev-secret"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    # The same key on the next start: join links printed earlier keep working.
    again = load_settings(overrides={"server.data_dir": str(data)}, dev=True)
    assert again.auth.secret == settings.auth.secret


def test_sources_apply_in_order_file_then_environment_then_flags(tmp_path: Path) -> None:
    path = write(
        tmp_path, f'[server]\nport = 9000\nhost = "127.0.0.2"\n[auth]\nsecret = "{SECRET}"\n'
    )
    env = {"MDT_SERVER_PORT": "9100", "MDT_MEDIA_HOST_ADDRESSES": "10.0.0.5, 10.0.0.6"}
    settings = load_settings(path, env=env, overrides={"server.host": "127.0.0.3"})
    assert settings.server.port == 9100
    assert settings.server.host == "127.0.0.3"
    assert settings.media.host_addresses == ("10.0.0.5", "10.0.0.6")
    ice = '[{"urls": ["turn:turn.example.org:3478"], "username": "u", "credential": "p"}]'
    settings = load_settings(path, env={"MDT_MEDIA_ICE_SERVERS": ice})
    assert settings.media.ice_servers[0].urls == ("turn:turn.example.org:3478",)


@pytest.mark.parametrize(
    ("text", "env", "message"),
    [
        ("[server]\nprot = 1\n", {}, "unknown config key 'server.prot'"),
        ("[sever]\n", {}, "unknown config key 'sever'"),
        ("", {"MDT_SERVER_PROT": "1"}, "unknown config key 'server.prot'"),
        ("", {"MDT_NOPE": "1"}, "names no config key"),
    ],
)
def test_unknown_keys_are_errors_wherever_they_come_from(
    tmp_path: Path, text: str, env: dict[str, str], message: str
) -> None:
    path = write(tmp_path, text + f'[auth]\nsecret = "{SECRET}"\n')
    with pytest.raises(UnknownConfigKeyError, match=message):
        load_settings(path, env=env)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[server]\nport = "80"\n', "server.port must be of type int"),
        ("[server]\nport = 70000\n", "server.port must be between"),
        ('[server]\nhost = "0.0.0.0"\n', "public_url is required"),
        ('[media]\nhost_addresses = ["localhost"]\n', "not an IP address"),
        ('[media]\nvideo_codec = "AV1"\n', "media.video_codec must be one of"),
        ('[[media.ice_servers]]\nurls = ["http://x"]\n', "is not a TURN/STUN URL"),
        (
            '[[media.ice_servers]]\nurls = ["turn:t:3478"]\nusername = "u"\nshared_secret = "s"\n',
            "shared_secret replaces username and credential",
        ),
        (
            '[[media.ice_servers]]\nurls = ["turn:t:3478"]\nshared_secret = "s"\n'
            "credential_ttl_s = 0\n",
            r"ice_servers\[0\].credential_ttl_s must be positive",
        ),
        ("[limits]\nsocket_message_bytes = 1000\n", "socket_message_bytes must be at least"),
        ("[server\n", "not valid TOML"),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, f'[auth]\nsecret = "{SECRET}"\n' + text)
    with pytest.raises(ConfigError, match=message):
        load_settings(path)


def test_a_missing_or_short_secret_is_refused_outside_dev(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"auth\.secret must be at least 32 bytes"):
        load_settings(write(tmp_path, '[auth]\nsecret = "short"\n'))


def test_the_sample_config_lists_every_key_and_is_valid(tmp_path: Path) -> None:
    sample = tomllib.loads(SAMPLE.read_text())

    for section in dataclasses.fields(Settings):
        section_cls = type(getattr(Settings(), section.name))
        known = {f.name for f in dataclasses.fields(section_cls)}
        assert set(sample[section.name]) == known, section.name
    settings = load_settings(SAMPLE, env={"MDT_AUTH_SECRET": SECRET})
    assert settings.server.public_url == "https://mdt.example.org"
    relay = settings.media.ice_servers[0]
    assert (relay.username, relay.credential_ttl_s) == (None, 43200)
    assert relay.shared_secret is not None
