"""HTTP for the email channel: the admin API (``/api/v1/email-channels``) and provider inbound
webhooks carrying the raw MIME (``/hooks/email/{channel}/mailgun``).

Secrets (IMAP password, webhook signing key) are write-only: accepted, stored encrypted,
reported only as ``*_set: true``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import time
from typing import Annotated, Any

from fastapi import APIRouter, Form, Response
from pydantic import BaseModel, ConfigDict, Field, SecretStr
from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.channels.email import config, receive, replay, tokens
from minidesk.channels.email.models import EmailChannel
from minidesk.channels.models import Channel
from minidesk.channels.service import secret_names
from minidesk.db import commit, get_db
from minidesk.desk.access import Permission
from minidesk.desk.models import User
from minidesk.desk.users import actor_of
from minidesk.web.api import PREFIX
from minidesk.web.deps import SessionDep, WriteSessionDep, requires
from minidesk.web.problems import Problem

router = APIRouter(prefix=f"{PREFIX}/email-channels", tags=["email"])
hooks = APIRouter(prefix="/hooks/email", tags=["email"])
Admin = requires(Permission.MANAGE_CHANNELS)
# Mailgun signs timestamp+token; a signature older than this is a replay (and one within it
# is good for one request: its token is remembered until then).
SIGNATURE_MAX_AGE_SECONDS = 300
MAILGUN = "mailgun"


class ChannelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    address: str | None = Field(None, max_length=320)
    name: str | None = Field(None, max_length=200)
    from_name: str | None = Field(None, max_length=200)
    signature: str | None = Field(None, max_length=5000)
    active: bool | None = None
    imap_host: str | None = Field(None, max_length=255)
    imap_port: int | None = Field(None, ge=1, le=65535)
    imap_security: str | None = None
    imap_username: str | None = Field(None, max_length=320)
    imap_password: SecretStr | None = None
    imap_folder: str | None = Field(None, max_length=255)
    imap_processed_action: str | None = None
    imap_move_to: str | None = Field(None, max_length=255)
    imap_ca_file: str | None = Field(None, max_length=1000)
    webhook_key: SecretStr | None = None
    trusted_authserv_ids: list[str] | None = Field(None, max_length=10)
    smtp_url: SecretStr | None = None

    def values(self) -> dict[str, Any]:
        raw = self.model_dump(exclude_unset=True)
        return {k: v.get_secret_value() if isinstance(v, SecretStr) else v for k, v in raw.items()}


class ChannelOut(BaseModel):
    id: int
    address: str
    name: str
    from_name: str
    signature: str
    active: bool
    imap_host: str | None
    imap_port: int | None
    imap_security: str
    imap_username: str | None
    imap_password_set: bool
    imap_folder: str
    imap_processed_action: str
    imap_move_to: str | None
    imap_last_uid: int
    imap_last_error: str | None
    webhook_key_set: bool
    smtp_url_set: bool
    trusted_authserv_ids: list[str]
    created_at: dt.datetime

    @classmethod
    def of(cls, session: Session, row: EmailChannel) -> ChannelOut:
        data = {name: getattr(row, name) for name in cls.model_fields if hasattr(row, name)}
        data["imap_password_set"] = row.imap_password_encrypted is not None
        data["webhook_key_set"] = row.webhook_key_encrypted is not None
        instance = session.get_one(Channel, row.id)
        data["smtp_url_set"] = "smtp_url" in secret_names(instance)
        return cls(**data)


def _channel(session: Any, channel_id: int) -> EmailChannel:
    row = session.get(EmailChannel, channel_id)
    if row is None:
        raise Problem(404, f"email channel {channel_id} does not exist")
    assert isinstance(row, EmailChannel)
    return row


@router.get("", response_model=list[ChannelOut], dependencies=[Admin])
def list_channels(session: SessionDep) -> list[ChannelOut]:
    rows = session.scalars(select(EmailChannel).order_by(EmailChannel.id))
    return [ChannelOut.of(session, row) for row in rows]


@router.post("", response_model=ChannelOut, status_code=201)
def create_channel(body: ChannelIn, session: WriteSessionDep, admin: User = Admin) -> ChannelOut:
    try:
        row = config.do_create_channel(session, body.values(), actor_of(admin))
    except config.ChannelError as exc:
        raise Problem(422, str(exc)) from exc
    commit(session)
    return ChannelOut.of(session, row)


@router.patch("/{channel_id}", response_model=ChannelOut)
def update_channel(
    channel_id: int, body: ChannelIn, session: WriteSessionDep, admin: User = Admin
) -> ChannelOut:
    row = _channel(session, channel_id)
    try:
        config.do_update_channel(session, row, body.values(), actor_of(admin))
    except config.ChannelError as exc:
        raise Problem(422, str(exc)) from exc
    commit(session)
    return ChannelOut.of(session, row)


@router.post("/quarantine/{inbox_id}/retry", status_code=202)
def retry_quarantined(
    inbox_id: int, admin: User = requires(Permission.ADMIN_QUEUES)
) -> dict[str, int]:
    """Parse a quarantined mail again from its stored original and queue it if it now reads."""
    reason = receive.reparse(inbox_id)
    if reason is not None:
        raise Problem(409, f"inbox row {inbox_id} stays quarantined: {reason}")
    return {"inbox_id": inbox_id}


def verify_mailgun(key: str, timestamp: str, token: str, signature: str) -> bool:
    try:
        age = abs(time.time() - int(timestamp))
    except ValueError:
        return False
    expected = hmac.new(key.encode(), (timestamp + token).encode(), hashlib.sha256).hexdigest()
    return age <= SIGNATURE_MAX_AGE_SECONDS and hmac.compare_digest(expected, signature)


@hooks.post(
    "/{channel_id}/mailgun",
    status_code=200,
    responses={406: {"description": "signature missing, invalid, stale or replayed"}},
)
def mailgun_mime(
    channel_id: int,
    timestamp: Annotated[str, Form()],
    token: Annotated[str, Form()],
    signature: Annotated[str, Form()],
    body_mime: Annotated[str, Form(alias="body-mime")],
    recipient: Annotated[str, Form()] = "",
) -> Response:
    """Mailgun's "store and notify"/forward route with ``mime`` in the URL: the full message
    as ``body-mime``, signed with the account's webhook signing key."""
    db = get_db()
    with db.sessions() as session:
        row = session.get(EmailChannel, channel_id)
        key = tokens.decrypt(row.webhook_key_encrypted) if row and row.webhook_key_encrypted else ""
    if not key or not verify_mailgun(key, timestamp, token, signature):
        # 406 tells Mailgun not to retry; nothing unsigned is ever stored.
        raise Problem(406, "signature missing, invalid or older than 5 minutes",
                      slug="invalid-signature")  # fmt: skip
    # Claimed only once the signature holds: a forger cannot use up Mailgun's own tokens.
    expires = dt.datetime.fromtimestamp(int(timestamp) + SIGNATURE_MAX_AGE_SECONDS, dt.UTC)
    if not replay.do_claim_token(db, MAILGUN, token, expires):
        raise Problem(406, "this signature was used before (a replayed request)",
                      slug="invalid-signature")  # fmt: skip
    raw = body_mime.encode("utf-8", "surrogateescape")
    try:
        result = receive.receive_raw(raw, envelope_to=[recipient] if recipient else [],
                                     source="mailgun", db=db)  # fmt: skip
    except Exception:
        replay.do_release_token(db, MAILGUN, token)
        raise
    return Response(f'{{"status":"{result.outcome}"}}', media_type="application/json")
