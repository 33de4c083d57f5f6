"""The ``mdt-server`` command.

``mdt-server --dev`` runs everything in one process on loopback with a local
data folder; ``mdt-server serve --config FILE`` runs a configured node;
``dev-link`` prints a join URL; ``check-config`` validates a configuration.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aiohttp import web

from imaging import ImagingError, inspect_paths, reports_json
from rooms import Role, RoomsError, read_manifest, verify_recording
from rooms.institution import InstitutionLevel

from .admin import create_first_admin_at, seed_dev_at
from .app import create_app
from .auth import Argon2PasswordHasher, TokenAuthority
from .config import Settings, load_settings
from .errors import ConfigError, SignalingError
from .recording_api import RECORDING_ID

logger = logging.getLogger("mdt-server")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except (ConfigError, SignalingError, RoomsError, ValueError) as exc:
        print(f"mdt-server: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mdt-server", description="Remote MDT consultation server (signaling and SFU)."
    )
    _settings_flags(parser)
    parser.set_defaults(run=_serve)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the server (the default command)")
    _settings_flags(serve)
    serve.set_defaults(run=_serve)

    link = commands.add_parser("dev-link", help="print a join URL with a valid token")
    _settings_flags(link)
    link.add_argument("--consultation", required=True, help="consultation id")
    link.add_argument("--name", required=True, help='display name, e.g. "Dr Li"')
    link.add_argument("--role", required=True, choices=[r.value for r in Role])
    link.add_argument("--institution", help="hospital or clinic")
    link.add_argument("--participant-id", help="stable participant id (default: a new one)")
    link.set_defaults(run=_dev_link, dev=True)

    verify = commands.add_parser(
        "verify-recording", help="check a recording against its manifest (exit 1 on mismatch)"
    )
    verify.add_argument("recording_id", metavar="ID")
    verify.add_argument("--config", type=Path, help="TOML file (for server.data_dir)")
    verify.add_argument("--data-dir", help="the data folder (default: ./mdt-data)")
    verify.set_defaults(run=_verify_recording)

    inspect = commands.add_parser(
        "inspect-series", help="list the DICOM series in files, folders or zips"
    )
    inspect.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    inspect.add_argument("--json", action="store_true", help="one JSON array")
    inspect.set_defaults(run=_inspect_series)

    admin = commands.add_parser(
        "create-admin", help="create the first institution and its administrator"
    )
    _settings_flags(admin)
    admin.add_argument("--institution", required=True, help="the institution's name")
    admin.add_argument("--level", required=True, choices=[lv.value for lv in InstitutionLevel])
    admin.add_argument("--login", required=True)
    admin.add_argument("--name", required=True, help="the administrator's real name")
    admin.set_defaults(run=_create_admin)

    check = commands.add_parser("check-config", help="validate the configuration and exit")
    _settings_flags(check)
    check.set_defaults(run=_check_config)
    return parser


def _settings_flags(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: a flag given before the command is not reset by the sub-parser's default.
    parser.add_argument(
        "--dev",
        action="store_true",
        default=argparse.SUPPRESS,
        help="one process on loopback, data in ./mdt-data, a generated signing key",
    )
    parser.add_argument("--config", type=Path, default=argparse.SUPPRESS, help="TOML file")
    parser.add_argument("--host", default=argparse.SUPPRESS, help="server.host")
    parser.add_argument("--port", type=int, default=argparse.SUPPRESS, help="server.port")
    parser.add_argument("--data-dir", default=argparse.SUPPRESS, help="server.data_dir")


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {}
    for flag, key in (
        ("host", "server.host"),
        ("port", "server.port"),
        ("data_dir", "server.data_dir"),
    ):
        if hasattr(args, flag):
            overrides[key] = getattr(args, flag)
    return load_settings(
        getattr(args, "config", None),
        env=os.environ,
        overrides=overrides,
        dev=getattr(args, "dev", False),
    )


def _serve(args: argparse.Namespace) -> int:
    settings = _settings(args)
    logging.basicConfig(
        level=settings.logging.level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    app = create_app(settings)
    if getattr(args, "dev", False):
        credentials = asyncio.run(
            seed_dev_at(
                settings.store.url,
                Path(settings.server.data_dir),
                Argon2PasswordHasher(),
                settings.auth.secret,
            )
        )
        print(f"mdt-server (dev) on {settings.server.public_url}", flush=True)
        print("  dev accounts (role, login, password, who):", flush=True)
        for credential in credentials:
            print(credential.line(), flush=True)
        print(
            "  join link: mdt-server dev-link --consultation demo --name 'Dr Li' --role expert",
            flush=True,
        )
    web.run_app(
        app,
        host=settings.server.host,
        port=settings.server.port,
        print=lambda text: logger.info("%s", text),
        access_log=None,
    )
    return 0


def _dev_link(args: argparse.Namespace) -> int:
    settings = _settings(args)
    token = TokenAuthority(settings.auth.secret).issue(
        consultation_id=args.consultation,
        participant_id=args.participant_id or uuid.uuid4().hex[:12],
        display_name=args.name,
        role=Role(args.role),
        institution=args.institution,
        ttl_s=settings.auth.join_link_ttl_s,
    )
    print(join_url(settings, token))
    return 0


def join_url(settings: Settings, token: str) -> str:
    """The join link format: the token rides in the fragment, which browsers never send."""
    return f"{settings.server.public_url}/join#token={token}"


def _verify_recording(args: argparse.Namespace) -> int:
    if args.data_dir:
        data_dir = Path(args.data_dir)
    elif args.config:
        data_dir = Path(load_settings(args.config, env=os.environ).server.data_dir)
    else:
        data_dir = Path("mdt-data")
    if not RECORDING_ID.fullmatch(args.recording_id):
        raise ValueError(f"{args.recording_id!r} is not a recording id")
    folders = list((data_dir / "recordings").glob(f"*/{args.recording_id}"))
    if not folders:
        raise ValueError(f"no recording {args.recording_id} under {data_dir / 'recordings'}")
    result = verify_recording(folders[0])
    for finding in result.findings:
        print(f"{finding.what}: {finding.subject}: {finding.detail}")
    if result.ok:
        manifest = read_manifest(folders[0])
        print(
            f"recording {result.recording_id} verifies: {len(manifest.files)} files, "
            f"{manifest.timeline_entries} timeline entries, {manifest.status.value}"
        )
        return 0
    print(f"recording {result.recording_id} does NOT verify: {len(result.findings)} problem(s)")
    return 1


def _inspect_series(args: argparse.Namespace) -> int:
    try:
        reports = inspect_paths(args.paths)
    except ImagingError as exc:
        print(f"mdt-server: {exc.code}: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(reports_json(reports))
    else:
        for report in reports:
            print(report.line())
    return 0


def _create_admin(args: argparse.Namespace) -> int:
    settings = _settings(args)
    # The password never appears in the process list or the shell history.
    if sys.stdin.isatty():
        password = getpass.getpass("password: ")
    else:
        password = sys.stdin.readline().rstrip("\n")
    account = asyncio.run(
        create_first_admin_at(
            settings.store.url,
            Path(settings.server.data_dir),
            Argon2PasswordHasher(),
            institution_name=args.institution,
            institution_level=InstitutionLevel(args.level),
            login=args.login,
            real_name=args.name,
            password=password,
        )
    )
    print(f"administrator {account.login} created")
    return 0


def _check_config(args: argparse.Namespace) -> int:
    settings = _settings(args)
    print(f"configuration is valid; public URL {settings.server.public_url}")
    return 0
