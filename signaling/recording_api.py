"""Review of recordings over HTTP: list, manifest, timeline, and the media files.

Open to the consultation's clinicians (``Role.may_review_recordings``) with a token
for that consultation. Every request, allowed or refused, is written to the audit log.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from aiohttp import web

from rooms import Role, read_manifest, read_timeline
from rooms.recording import MANIFEST, TIMELINE

from .api import bearer_grant
from .app_keys import AUTHORITY, EXPORTER, HUB, SETTINGS
from .auth import Grant
from .consultation_access import consultation_grant
from .errors import RecordingNotFoundError
from .export import ExportJob

#: Recording ids and file names are server-made; anything else never touches the disk.
#: Who may review recordings: ``Role.may_review_recordings``.
REVIEWERS = frozenset(r for r in Role if r.may_review_recordings)
RECORDING_ID = re.compile(r"[0-9]{8}T[0-9]{6}-[0-9a-f]{8}")
_FILE_NAME = re.compile(r"track-[0-9]{3}-(audio|video)\.webm")
PLAYBACK_COOKIE = "mdt_playback"
#: How long a review page may stream a recording's files (never past its join token).
PLAYBACK_TTL_S = 4 * 3600


async def _folder(
    request: web.Request, action: str, subject: str, grant: Grant | None = None
) -> Path:
    """The recording folder the request names, if the caller may read it (audited)."""
    consultation_id = request.match_info["consultation_id"]
    recording_id = request.match_info.get("recording_id", "")
    await consultation_grant(
        request,
        action=action,
        object_type="recording",
        subject=f"{recording_id}/{subject}".strip("/"),
        roles=REVIEWERS,
        grant=grant,
    )
    root = request.app[HUB].recordings_root / consultation_id
    if not recording_id:
        return root
    folder = root / recording_id
    if not RECORDING_ID.fullmatch(recording_id) or not (folder / MANIFEST).exists():
        raise RecordingNotFoundError("there is no such sealed recording")
    return folder


async def list_recordings(request: web.Request) -> web.Response:
    root = await _folder(request, "list", "")
    manifests = [
        json.loads(read_manifest(folder).to_json())
        for folder in sorted(root.glob("*"))
        if (folder / MANIFEST).exists()
    ]
    return web.json_response({"recordings": manifests})


async def manifest(request: web.Request) -> web.Response:
    folder = await _folder(request, "read", MANIFEST)
    return web.json_response(json.loads(read_manifest(folder).to_json()))


async def timeline(request: web.Request) -> web.Response:
    folder = await _folder(request, "read", TIMELINE)
    entries = read_timeline(folder / TIMELINE)
    return web.json_response({"entries": [json.loads(e.to_line()) for e in entries]})


async def open_playback(request: web.Request) -> web.Response:
    """Let this browser's ``<video>`` elements stream the recording's files: a cookie
    holding a playback token, sent only to those files' paths, unreadable by scripts."""
    grant = bearer_grant(request)
    await _folder(request, "open-playback", "", grant)
    authority = request.app[AUTHORITY]
    ttl_s = int(min(PLAYBACK_TTL_S, authority.seconds_left(grant.expires_at_s)))
    token = authority.issue_playback(grant, request.match_info["recording_id"], ttl_s)
    response = web.Response(status=204, headers={"Cache-Control": "no-store"})
    response.set_cookie(
        PLAYBACK_COOKIE,
        token,
        path=f"{request.path.rsplit('/', 1)[0]}/files/",
        max_age=ttl_s,
        httponly=True,
        samesite="Strict",
        secure=request.app[SETTINGS].server.public_url.startswith("https:"),
    )
    return response


def _media_grant(request: web.Request) -> Grant | None:
    """The playback cookie's grant when no bearer token is sent (a ``<video>``)."""
    if "Authorization" in request.headers or PLAYBACK_COOKIE not in request.cookies:
        return None
    return request.app[AUTHORITY].verify_playback(
        request.cookies[PLAYBACK_COOKIE],
        request.match_info["consultation_id"],
        request.match_info["recording_id"],
    )


async def media_file(request: web.Request) -> web.FileResponse:
    name = request.match_info["name"]
    folder = await _folder(request, "play", name, _media_grant(request))
    if not _FILE_NAME.fullmatch(name) or not (folder / name).is_file():
        raise RecordingNotFoundError("the recording has no such file")
    # FileResponse serves Range requests, so the review page can seek without downloading.
    return web.FileResponse(
        folder / name,
        headers={"Content-Type": "video/webm", "Cache-Control": "private, no-store"},
    )


async def start_export(request: web.Request) -> web.Response:
    folder = await _folder(request, "export", "")
    grant = bearer_grant(request)
    job = request.app[EXPORTER].start(
        folder, request.match_info["consultation_id"], folder.name, grant.participant_id
    )
    return web.json_response(job.describe(), status=202)


async def _job(request: web.Request, action: str) -> ExportJob:
    await _folder(request, action, f"export/{request.match_info['job_id'][:32]}")
    job = request.app[EXPORTER].jobs.get(request.match_info["job_id"])
    if job is None or job.consultation_id != request.match_info["consultation_id"]:
        raise RecordingNotFoundError("there is no such export")
    return job


async def export_status(request: web.Request) -> web.Response:
    return web.json_response((await _job(request, "read")).describe())


async def export_file(request: web.Request) -> web.FileResponse:
    job = await _job(request, "download")
    if job.state != "done":
        raise RecordingNotFoundError("the export is not finished")
    return web.FileResponse(
        job.output, headers={"Content-Type": "video/webm", "Cache-Control": "private, no-store"}
    )


def add_recording_routes(app: web.Application) -> None:
    base = "/api/consultations/{consultation_id}/recordings"
    exports = "/api/consultations/{consultation_id}/exports/{job_id}"
    app.router.add_post(base + "/{recording_id}/exports", start_export)
    app.router.add_get(exports, export_status)
    app.router.add_get(exports + "/file", export_file)
    app.router.add_get(base, list_recordings)
    app.router.add_get(base + "/{recording_id}/manifest", manifest)
    app.router.add_get(base + "/{recording_id}/timeline", timeline)
    app.router.add_post(base + "/{recording_id}/playback", open_playback)
    app.router.add_get(base + "/{recording_id}/files/{name}", media_file)
