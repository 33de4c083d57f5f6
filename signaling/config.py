"""One strict configuration tree, from a TOML file, the environment and CLI flags.

Later sources win: built-in defaults, then the ``--dev`` preset, then the TOML
file, then ``MDT_<SECTION>_<KEY>`` environment variables (``MDT_SERVER_PORT=9000``,
``MDT_MEDIA_HOST_ADDRESSES=10.0.0.5,10.0.0.6``; lists of tables as JSON), then
flags. A key the tree does not have is an error wherever it comes from, so a
typo never silently leaves a default in force. ``deploy/config-sample.toml``
lists every key.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import os
import secrets
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from .errors import ConfigError, UnknownConfigKeyError

ENV_PREFIX = "MDT_"
#: Where ``--dev`` keeps the signing key it generates, inside the data folder.
DEV_SECRET_FILE = "dev-secret"
#: RFC 7518 §3.2: an HS256 key must be at least as long as the hash output (256 bits).
MIN_SECRET_BYTES = 32


@dataclass(frozen=True)
class ServerConfig:
    """Where the server listens and how it is reached."""

    host: str = "127.0.0.1"
    """Address to bind; ``0.0.0.0`` for every interface (then ``public_url`` is required)."""
    port: int = 8080
    """TCP port to bind; 0 picks a free one (tests)."""
    public_url: str = ""
    """The URL browsers use (behind a reverse proxy, the proxy's); empty: ``http://host:port``.
    Join links start with it and it is the one origin allowed to open a Socket.IO connection."""
    data_dir: str = "mdt-data"
    """Folder for local data: the ``--dev`` signing key, later the SQLite store and recordings."""


@dataclass(frozen=True)
class AuthConfig:
    """Signed tokens (JWT, HS256) that admit a participant to one consultation."""

    secret: str = ""
    """HS256 signing key, at least 32 bytes. Required; ``--dev`` generates one in data_dir."""
    token_ttl_s: int = 3600
    """Lifetime of a token issued for a session, in seconds."""
    join_link_ttl_s: int = 86400
    """Lifetime of the token inside a join link, in seconds."""
    access_token_ttl_s: int = 900
    """Lifetime of an account's access token after login (a refresh token renews it)."""


@dataclass(frozen=True)
class StoreConfig:
    """Durable records: accounts, referrals, consents, opinions, the audit log."""

    url: str = ""
    """Empty: SQLite at ``<data_dir>/mdt.sqlite3``; or ``postgresql://user:pw@host/db``
    (``sqlite:///PATH`` also works). Migrations run at start-up."""


@dataclass(frozen=True)
class IceServerConfig:
    """A TURN (or STUN) server offered to the SFU's peer connections."""

    urls: tuple[str, ...]
    """``turn:``, ``turns:`` or ``stun:`` URLs of one server."""
    username: str | None = None
    """TURN username, if the server needs one."""
    credential: str | None = None
    """TURN password, if the server needs one."""
    shared_secret: str | None = None
    """coturn's ``static-auth-secret`` (``use-auth-secret``): instead of the static
    username and credential, every participant gets their own, valid for
    ``credential_ttl_s``. The SFU's own connections use only servers without it."""
    credential_ttl_s: int = 12 * 3600
    """How long the credentials made with ``shared_secret`` stay valid."""


@dataclass(frozen=True)
class MediaConfig:
    """The SFU."""

    video_codec: Literal["VP8", "H264"] = "VP8"
    """The one video codec of each consultation (a forwarding SFU cannot translate)."""
    host_addresses: tuple[str, ...] = ()
    """IP addresses offered as ICE host candidates; empty: every interface's."""
    ice_servers: tuple[IceServerConfig, ...] = ()
    """TURN/STUN servers. Empty by default: the server never contacts a public STUN server."""


@dataclass(frozen=True)
class LimitsConfig:
    """Sizes that bound what one client can make the server hold or do."""

    socket_message_bytes: int = 128 * 1024
    """Largest Socket.IO message; a bigger one closes the connection (Engine.IO's rule)."""
    sdp_bytes: int = 64 * 1024
    """Largest SDP in ``publish`` or ``subscribe-answer``; a bigger one gets an error reply."""
    chat_text_chars: int = 4000
    """Longest chat message, in characters."""
    chat_history_messages: int = 500
    """Chat messages kept per consultation for late joiners."""
    participants_per_consultation: int = 12
    """Most people present in one consultation at once."""
    upload_bytes: int = 1 << 30
    """Largest study upload (a DICOM file or a zip of one series), streamed to disk."""


@dataclass(frozen=True)
class SignalingConfig:
    """The Socket.IO connection's liveness check."""

    ping_interval_s: float = 2.0
    """Seconds between the server's pings."""
    ping_timeout_s: float = 3.0
    """Seconds a client may take to answer a ping before it is taken as gone. A vanished
    peer is noticed within ``ping_interval_s + ping_timeout_s``."""


@dataclass(frozen=True)
class LoggingConfig:
    """The server log (which never contains tokens or patient data)."""

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    """Lowest level written."""


@dataclass(frozen=True)
class Settings:
    """The whole configuration tree."""

    server: ServerConfig = field(default_factory=ServerConfig)
    """``[server]``"""
    auth: AuthConfig = field(default_factory=AuthConfig)
    """``[auth]``"""
    store: StoreConfig = field(default_factory=StoreConfig)
    """``[store]``"""
    media: MediaConfig = field(default_factory=MediaConfig)
    """``[media]``"""
    limits: LimitsConfig = field(default_factory=LimitsConfig)
    """``[limits]``"""
    signaling: SignalingConfig = field(default_factory=SignalingConfig)
    """``[signaling]``"""
    logging: LoggingConfig = field(default_factory=LoggingConfig)
    """``[logging]``"""

    @property
    def public_origin(self) -> str:
        """``scheme://host[:port]`` of ``server.public_url``: the one origin allowed to connect."""
        parts = urlsplit(self.server.public_url)
        return f"{parts.scheme}://{parts.netloc}"


#: What ``--dev`` changes before the file, environment and flags apply.
DEV_PRESET: Mapping[str, Any] = types.MappingProxyType(
    {
        "server": {"host": "127.0.0.1", "data_dir": "mdt-data"},
        "media": {"host_addresses": ["127.0.0.1"]},
    }
)


@dataclass(frozen=True)
class _Text:
    """A value given as text (an environment variable), parsed by the target field's type."""

    text: str
    origin: str


def load_settings(
    config_file: Path | None = None,
    *,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    dev: bool = False,
) -> Settings:
    """Build and check the settings. With ``dev``, a missing secret is generated and stored.

    ``overrides`` are dotted keys (``"server.port"``) from CLI flags. Raises
    :class:`ConfigError` (or :class:`UnknownConfigKeyError`) naming the key.
    """
    tree: dict[str, Any] = _deep_copy(DEV_PRESET) if dev else {}
    if config_file is not None:
        _merge(tree, _read_toml(config_file))
    _merge(tree, _from_env(env or {}))
    for dotted, value in (overrides or {}).items():
        _merge(tree, _nest(dotted.split("."), value))
    settings = _build(Settings, tree, "")
    settings = _resolve_public_url(settings)
    if dev and not settings.auth.secret:
        secret = dev_secret(Path(settings.server.data_dir))
        settings = dataclasses.replace(
            settings, auth=dataclasses.replace(settings.auth, secret=secret)
        )
    check_settings(settings)
    return settings


def dev_secret(data_dir: Path) -> str:
    """The ``--dev`` signing key stored in ``data_dir``, generated (owner-only) on first use."""
    path = data_dir / DEV_SECRET_FILE
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    # O_EXCL: two dev processes starting at once must not end up with different keys.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secret + "\n")
    return secret


def check_settings(settings: Settings) -> None:
    """Check values that types alone cannot; raise :class:`ConfigError` naming the key."""
    server, auth, media, limits = settings.server, settings.auth, settings.media, settings.limits
    if not 0 <= server.port <= 65535:
        raise ConfigError("server.port must be between 0 and 65535")
    parts = urlsplit(server.public_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError("server.public_url must be an http(s) URL without query or fragment")
    if not server.data_dir:
        raise ConfigError("server.data_dir must not be empty")
    if len(auth.secret.encode()) < MIN_SECRET_BYTES:
        raise ConfigError(
            f"auth.secret must be at least {MIN_SECRET_BYTES} bytes "
            "(or run with --dev to generate one)"
        )
    if settings.store.url and urlsplit(settings.store.url).scheme not in (
        "postgresql",
        "postgres",
        "sqlite",
    ):
        raise ConfigError("store.url must be empty, sqlite:///PATH or postgresql://...")
    for key in ("token_ttl_s", "join_link_ttl_s", "access_token_ttl_s"):
        if getattr(auth, key) <= 0:
            raise ConfigError(f"auth.{key} must be positive")
    for address in media.host_addresses:
        try:
            ipaddress.ip_address(address)
        except ValueError:
            raise ConfigError(f"media.host_addresses: {address!r} is not an IP address") from None
    for n, server_config in enumerate(media.ice_servers):
        if not server_config.urls:
            raise ConfigError(f"media.ice_servers[{n}].urls must not be empty")
        for url in server_config.urls:
            if not url.startswith(("turn:", "turns:", "stun:", "stuns:")):
                raise ConfigError(f"media.ice_servers[{n}].urls: {url!r} is not a TURN/STUN URL")
        if server_config.shared_secret and (server_config.username or server_config.credential):
            raise ConfigError(
                f"media.ice_servers[{n}]: shared_secret replaces username and credential; "
                "set one or the other"
            )
        if server_config.credential_ttl_s <= 0:
            raise ConfigError(f"media.ice_servers[{n}].credential_ttl_s must be positive")
    for f in dataclasses.fields(limits):
        if getattr(limits, f.name) <= 0:
            raise ConfigError(f"limits.{f.name} must be positive")
    # A payload one byte over its own limit must get a clear error reply, not have its
    # socket cut by Engine.IO: leave room for JSON escaping (\r\n, \uXXXX for non-ASCII).
    if limits.socket_message_bytes < 2 * limits.sdp_bytes:
        raise ConfigError("limits.socket_message_bytes must be at least 2 × limits.sdp_bytes")
    if limits.socket_message_bytes < 12 * limits.chat_text_chars + 4096:
        raise ConfigError(
            "limits.socket_message_bytes must be at least 12 × limits.chat_text_chars + 4096"
        )
    if settings.signaling.ping_interval_s <= 0 or settings.signaling.ping_timeout_s <= 0:
        raise ConfigError("signaling.ping_interval_s and ping_timeout_s must be positive")


# --- reading the sources -----------------------------------------------------------


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None


def _from_env(env: Mapping[str, str]) -> dict[str, Any]:
    """``MDT_SECTION_KEY`` variables as a tree of :class:`_Text` leaves."""
    tree: dict[str, Any] = {}
    sections = {f.name for f in dataclasses.fields(Settings)}
    for name, text in env.items():
        if not name.startswith(ENV_PREFIX):
            continue
        # Section names have no underscore, so the first one after the prefix ends it.
        section, _, key = name[len(ENV_PREFIX) :].lower().partition("_")
        if section not in sections or not key:
            raise UnknownConfigKeyError(
                f"environment variable {name} names no config key "
                f"(expected {ENV_PREFIX}<SECTION>_<KEY>, sections: {', '.join(sorted(sections))})"
            )
        _merge(tree, {section: {key: _Text(text, f"environment variable {name}")}})
    return tree


def _nest(path: list[str], value: Any) -> dict[str, Any]:
    return {path[0]: value} if len(path) == 1 else {path[0]: _nest(path[1:], value)}


def _merge(into: dict[str, Any], other: Mapping[str, Any]) -> None:
    for key, value in other.items():
        if isinstance(value, Mapping) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = _deep_copy(value) if isinstance(value, Mapping) else value


def _deep_copy(tree: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _deep_copy(v) if isinstance(v, Mapping) else v for k, v in tree.items()}


def _resolve_public_url(settings: Settings) -> Settings:
    server = settings.server
    if server.public_url:
        url = server.public_url.rstrip("/")
    elif server.host in ("0.0.0.0", "::", ""):
        raise ConfigError("server.public_url is required when server.host binds every interface")
    else:
        host = f"[{server.host}]" if ":" in server.host else server.host
        url = f"http://{host}:{server.port}"
    return dataclasses.replace(settings, server=dataclasses.replace(server, public_url=url))


# --- building the typed tree -------------------------------------------------------


def _build(cls: type, data: Any, path: str) -> Any:
    """A ``cls`` dataclass from a mapping; unknown keys and wrong types are errors."""
    where = path or "the top level"
    if isinstance(data, _Text):
        data = _parse_json(data)
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where} must be a table")
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    for key in data:
        if key not in known:
            raise UnknownConfigKeyError(
                f"unknown config key {_join(path, key)!r} (known in {where}: "
                f"{', '.join(sorted(known))})"
            )
    values = {}
    for f in dataclasses.fields(cls):
        if f.name in data:
            values[f.name] = _coerce(data[f.name], hints[f.name], _join(path, f.name))
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise ConfigError(f"config key {_join(path, f.name)!r} is required")
    return cls(**values)


def _coerce(value: Any, hint: Any, path: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if dataclasses.is_dataclass(hint):
        return _build(hint, value, path)  # type: ignore[arg-type]
    if origin is tuple:
        (item_hint, _) = args
        if isinstance(value, _Text):
            value = _parse_list(value, item_hint)
        if not isinstance(value, list | tuple):
            raise ConfigError(f"{path} must be a list")
        return tuple(_coerce(v, item_hint, f"{path}[{n}]") for n, v in enumerate(value))
    if origin in (types.UnionType, typing.Union):
        (inner,) = [a for a in args if a is not type(None)]
        return None if value is None else _coerce(value, inner, path)
    if origin is Literal:
        text = value.text if isinstance(value, _Text) else value
        if text not in args:
            raise ConfigError(f"{path} must be one of {', '.join(map(repr, args))}")
        return text
    if isinstance(value, _Text):
        return _parse_scalar(value, hint, path)
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, hint) or (hint is int and isinstance(value, bool)):
        raise ConfigError(f"{path} must be of type {hint.__name__}, not {type(value).__name__}")
    return value


def _parse_scalar(value: _Text, hint: type, path: str) -> Any:
    try:
        if hint is bool:
            return {"true": True, "1": True, "false": False, "0": False}[value.text.lower()]
        return hint(value.text)
    except (ValueError, KeyError):
        raise ConfigError(f"{value.origin}: {path} must be a {hint.__name__}") from None


def _parse_list(value: _Text, item_hint: Any) -> list[Any]:
    text = value.text.strip()
    if text.startswith("[") or dataclasses.is_dataclass(item_hint):
        parsed = _parse_json(value)
        if not isinstance(parsed, list):
            raise ConfigError(f"{value.origin} must be a JSON list")
        return parsed
    return [item.strip() for item in text.split(",") if item.strip()]


def _parse_json(value: _Text) -> Any:
    try:
        return json.loads(value.text)
    except json.JSONDecodeError:
        raise ConfigError(f"{value.origin} is not valid JSON") from None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
