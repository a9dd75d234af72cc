"""The email channel kind: a mailbox's settings (its address, IMAP, trusted authserv-ids) and
secrets (IMAP password, provider webhook key, its own outgoing SMTP server)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from minidesk.channels.kinds import ChannelKind

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from minidesk.channels.models import Channel
    from minidesk.events import Actor


class EmailSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    address: str | None = Field(None, max_length=320)
    from_name: str | None = Field(None, max_length=200)
    signature: str | None = Field(None, max_length=5000)
    imap_host: str | None = Field(None, max_length=255)
    imap_port: int | None = Field(None, ge=1, le=65535)
    imap_security: str | None = None
    imap_username: str | None = Field(None, max_length=320)
    imap_folder: str | None = Field(None, max_length=255)
    imap_processed_action: str | None = None
    imap_move_to: str | None = Field(None, max_length=255)
    imap_ca_file: str | None = Field(None, max_length=1000)
    trusted_authserv_ids: list[str] | None = Field(None, max_length=10)


class EmailSecrets(BaseModel):
    model_config = ConfigDict(extra="forbid")
    imap_password: SecretStr | None = None
    webhook_key: SecretStr | None = None
    # This mailbox's own outgoing server; unset, replies go through MINIDESK_SMTP_URL.
    smtp_url: SecretStr | None = None


def store(
    session: Session,
    channel: Channel,
    settings: dict[str, Any],
    secret_values: dict[str, Any],
    actor: Actor,
    created: bool,
) -> None:
    """Into ``email_channels`` (the mailbox row of the same id), through the email module's
    own checks; the name and on/off state follow the ``channels`` row."""
    from minidesk.channels.email import config
    from minidesk.channels.email.models import EmailChannel

    values = {**settings, **secret_values, "name": channel.name, "active": channel.enabled}
    if created:
        config.do_create_channel(session, values, actor, instance=channel)
    else:
        row = session.get_one(EmailChannel, channel.id)
        config.do_update_channel(session, row, values, actor)


def view(session: Session, channel: Channel) -> tuple[dict[str, Any], list[str]]:
    from minidesk.channels.email.models import EmailChannel
    from minidesk.channels.service import secret_names

    row = session.get(EmailChannel, channel.id)
    if row is None:  # the row mail to no known address lands on when there is no mailbox
        return {}, []
    settings = {name: getattr(row, name) for name in EmailSettings.model_fields}
    set_here = [name for name in ("imap_password", "webhook_key")
                if getattr(row, f"{name}_encrypted") is not None]  # fmt: skip
    return settings, sorted([*set_here, *secret_names(channel)])


KIND = ChannelKind(
    kind="email",
    adapter="minidesk.channels.email.adapter:EmailAdapter",
    settings=EmailSettings,
    secrets=EmailSecrets,
    router="minidesk.channels.email.web:hooks",
    store="minidesk.channels.email.kind:store",
    view="minidesk.channels.email.kind:view",
)
