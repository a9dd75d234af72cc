"""Signed survey links: ``/s/{token}`` answers (``?score=N``), comments and unsubscribes.

A token is the survey id and an HMAC of it under the ``SURVEY_LINK`` key, so a link names one
survey and cannot be edited into another's; it carries no expiry because an answer days later
is still an answer."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from minidesk.keys import Purpose, derive_key
from minidesk.settings import get_settings

# 16 bytes of HMAC: forging one needs 2^128 guesses, and the link stays short for SMS.
SIGNATURE_BYTES = 16
_TOKEN = re.compile(r"^([1-9][0-9]{0,17})\.([A-Za-z0-9_-]{22})$")


def _signature(survey_id: int) -> str:
    digest = hmac.new(derive_key(Purpose.SURVEY_LINK), str(survey_id).encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()[:SIGNATURE_BYTES]).decode().rstrip("=")


def token_for(survey_id: int) -> str:
    return f"{survey_id}.{_signature(survey_id)}"


def survey_of(token: str) -> int | None:
    """The survey id a token was issued for; None for anything we did not sign."""
    found = _TOKEN.match(token)
    if found is None:
        return None
    survey_id = int(found.group(1))
    return survey_id if hmac.compare_digest(found.group(2), _signature(survey_id)) else None


def answer_url(survey_id: int, score: int | None = None) -> str:
    base = f"{get_settings().public_url.rstrip('/')}/s/{token_for(survey_id)}"
    return base if score is None else f"{base}?score={score}"


def unsubscribe_url(survey_id: int) -> str:
    return f"{get_settings().public_url.rstrip('/')}/s/{token_for(survey_id)}/unsubscribe"
