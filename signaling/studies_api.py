"""HTTP routes for CT studies: upload (streamed, limited), series metadata, HU data, planes.

Only the consultation's clinicians (a token for it, any role but observer for the
upload) reach a study; every read and write is audited.
"""

from __future__ import annotations

from aiohttp import web

from imaging import Orientation, extract, plane_count, render_png, volume_metadata

from .app_keys import HUB, SETTINGS, STUDIES
from .consultation_access import CLINICIANS, EVERYONE, consultation_grant
from .errors import InvalidPayloadError, PayloadTooLargeError, StudyNotFoundError
from .studies import extent_of

#: Browsers cache series data: a series UID never names different pixels.
CACHE = "private, max-age=86400, immutable"


async def upload(request: web.Request) -> web.Response:
    consultation_id = request.match_info["consultation_id"]
    await consultation_grant(
        request,
        action="upload",
        object_type="study",
        subject="",
        roles=CLINICIANS,
        changes=True,
    )
    limit = request.app[SETTINGS].limits.upload_bytes
    if request.content_length is not None and request.content_length > limit:
        raise PayloadTooLargeError(f"the upload is larger than the limit of {limit} bytes")
    volume = (await request.app[STUDIES].ingest(consultation_id, request.content, limit)).volume
    await request.app[HUB].add_series(consultation_id, volume.series_uid, extent_of(volume))
    return web.json_response(volume_metadata(volume), status=201)


async def metadata(request: web.Request) -> web.Response:
    uid = request.match_info["series_uid"]
    await consultation_grant(
        request, action="read", object_type="study", subject=uid, roles=EVERYONE
    )
    volume = await request.app[STUDIES].volume(request.match_info["consultation_id"], uid)
    return web.json_response(volume_metadata(volume), headers={"Cache-Control": CACHE})


async def volume_data(request: web.Request) -> web.Response:
    uid = request.match_info["series_uid"]
    await consultation_grant(
        request, action="read", object_type="study", subject=f"{uid}/volume", roles=EVERYONE
    )
    body = await request.app[STUDIES].volume_data(request.match_info["consultation_id"], uid)
    return web.Response(
        body=body,
        content_type="application/octet-stream",
        headers={"Cache-Control": CACHE, "ETag": f'"{uid}"'},
    )


async def plane_png(request: web.Request) -> web.Response:
    uid = request.match_info["series_uid"]
    await consultation_grant(
        request, action="read", object_type="study", subject=f"{uid}/plane", roles=EVERYONE
    )
    volume = await request.app[STUDIES].volume(request.match_info["consultation_id"], uid)
    try:
        orientation = Orientation(request.match_info["orientation"])
        index = int(request.match_info["index"])
        center = float(request.query.get("center", "40"))
        width = float(request.query.get("width", "400"))
    except ValueError:
        raise InvalidPayloadError("orientation, index, center and width are malformed") from None
    if not 0 <= index < plane_count(volume, orientation) or width < 1:
        raise StudyNotFoundError("no such plane in this series")
    png = render_png(extract(volume, orientation, index), center, width)
    return web.Response(body=png, content_type="image/png", headers={"Cache-Control": CACHE})


def add_study_routes(app: web.Application) -> None:
    base = "/api/consultations/{consultation_id}"
    series = base + "/series/{series_uid}"
    app.router.add_post(base + "/studies", upload)
    app.router.add_get(series, metadata)
    app.router.add_get(series + "/volume", volume_data)
    app.router.add_get(series + "/planes/{orientation}/{index}.png", plane_png)
