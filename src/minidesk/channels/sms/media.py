"""MMS media from Twilio's Media resource: ``GET`` the ``MediaUrl`` Twilio posted, with the
account's HTTP Basic credentials. Twilio answers with a redirect to its media storage (a
signed, short-lived URL on another host), which is followed a bounded number of times, each
hop's destination vetted like the first, and without our credentials past Twilio's host."""

from __future__ import annotations

from minidesk.channels import providers
from minidesk.channels.media import Fetched, MediaError, read_answer
from minidesk.channels.sms import twilio
from minidesk.net import http
from minidesk.net.addresses import OutboundError
from minidesk.settings import get_settings

# Twilio's Media URL redirects once to its storage; a chain longer than this is not Twilio.
MAX_REDIRECTS = 3


def fetch(channel: providers.Configured, source: str, limit: int) -> Fetched:
    """The bytes of the media at ``source`` (a Twilio Media URL of this channel's account)."""
    sid = str(channel.settings.get("account_sid") or "")
    token = str(channel.secrets.get("auth_token") or "")
    if not sid or not token:
        # Not permanent: the media waits (with back-off) while an admin completes the channel.
        raise MediaError(f"SMS channel {channel.id} lacks account_sid or auth_token",
                         permanent=False)  # fmt: skip
    account = twilio.Account(sid, token)
    # Only Twilio's own API gets our credentials: a MediaUrl elsewhere is not Twilio's media.
    prefix = f"{get_settings().twilio_api_url.rstrip('/')}/{twilio.API_VERSION}/Accounts/{sid}/"
    if not source.startswith(prefix):
        raise MediaError(f"{source[:200]} is not a media URL of this Twilio account",
                         permanent=True)  # fmt: skip
    headers = {"Authorization": account.headers()["Authorization"]}
    try:
        response = http.get(source, headers, max_bytes=limit, max_redirects=MAX_REDIRECTS)
    except OutboundError as exc:
        raise MediaError(f"Twilio media: {exc.reason}", permanent=exc.permanent) from None
    return read_answer(response, limit, "Twilio")
