"""WhatsApp media from the Cloud API: ``GET /{version}/{media-id}`` answers JSON with a
short-lived ``url`` (and the file's ``mime_type`` and ``file_size``), which is then fetched
with the same bearer token. Both calls go through ``net.http``; the download follows no more
than a few redirects, each vetted."""

from __future__ import annotations

import json
import re

from minidesk.channels import providers
from minidesk.channels.media import Fetched, MediaError, check_type, read_answer, too_big
from minidesk.net import http
from minidesk.net.addresses import OutboundError
from minidesk.settings import get_settings

MAX_REDIRECTS = 3
MEDIA_ID = re.compile(r"^\d{1,40}$")


def _get(url: str, token: str, limit: int | None, what: str) -> http.Response:
    headers = {"Authorization": f"Bearer {token}"}
    try:
        if limit is None:
            return http.get(url, headers)
        return http.get(url, headers, max_bytes=limit, max_redirects=MAX_REDIRECTS)
    except OutboundError as exc:
        raise MediaError(f"WhatsApp {what}: {exc.reason}", permanent=exc.permanent) from None


def _lookup(channel: providers.Configured, media_id: str, token: str) -> dict[str, object]:
    settings = get_settings()
    url = f"{settings.whatsapp_api_url.rstrip('/')}/{settings.whatsapp_api_version}/{media_id}"
    response = _get(url, token, None, "media lookup")
    if not response.ok:
        # An expired token (401) waits for an admin like a reply does; 5xx and 429 pass.
        temporary = response.status in (401, 429) or response.status >= 500
        raise MediaError(f"WhatsApp answered {response.status} to the media lookup of "
                         f"{media_id}", permanent=not temporary)  # fmt: skip
    try:
        found = json.loads(response.body)
    except ValueError:
        found = None
    if not isinstance(found, dict) or not isinstance(found.get("url"), str):
        raise MediaError("WhatsApp's media lookup answered without a url", permanent=False)
    return found


def fetch(channel: providers.Configured, media_id: str, limit: int) -> Fetched:
    """The bytes of WhatsApp media ``media_id`` received on ``channel``."""
    if not MEDIA_ID.match(media_id):
        raise MediaError(f"{media_id[:60]!r} is not a WhatsApp media id", permanent=True)
    token = str(channel.secrets.get("access_token") or "")
    if not token:
        raise MediaError(f"WhatsApp channel {channel.id} lacks access_token", permanent=False)
    found = _lookup(channel, media_id, token)
    size, mime = found.get("file_size"), str(found.get("mime_type") or "")
    # Refused before a byte is downloaded when Meta already says it is too big or unwanted.
    if isinstance(size, int) and size > limit:
        raise too_big(limit)
    if mime:
        check_type(mime)
    fetched = read_answer(_get(str(found["url"]), token, limit, "media download"), limit,
                          "WhatsApp")  # fmt: skip
    return Fetched(fetched.data, fetched.content_type or mime.lower())
