"""The one way raw mail enters minidesk, whichever transport brought it (SMTP listener, IMAP
poller, provider webhook): parse, store the original, then accept a message into the inbox —
or quarantine it with the reason, or apply it as a bounce.

Never raises on bad mail: whatever a mail does to the parser or to the database's checks, it
ends up quarantined with its original stored. Only a transient fault (``is_transient``: the
database or the disk is unreachable) propagates, for the transport to try again later."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from sqlalchemy import exc as sa_exc

from minidesk import inbox
from minidesk.channels.base import AttachmentIn, InboundMessage, Sender
from minidesk.channels.email import bounces, config, noise, senderauth, store, tokens
from minidesk.channels.email.htmltext import cut_html_quote
from minidesk.channels.email.parse import ParsedMail, parse, readable
from minidesk.channels.email.quotes import is_forward, strip_reply
from minidesk.channels.email.trust import authenticate, from_domain
from minidesk.db import Database, get_db
from minidesk.settings import get_settings

log = logging.getLogger(__name__)

CHANNEL = "email"
RAW_TYPE = "message/rfc822"
# A quarantined oversize mail keeps this much of its beginning (headers and first lines).
OVERSIZE_KEPT = 65_536


# Faults of our storage, not of the mail: retrying later can succeed.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError,
    sqlite3.OperationalError, OSError,
)  # fmt: skip


def is_transient(exc: BaseException) -> bool:
    """Whether ``exc`` is a fault of our storage that a later retry may not meet."""
    return isinstance(exc, TRANSIENT_ERRORS)


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    QUARANTINED = "quarantined"
    BOUNCE = "bounce"


@dataclass(frozen=True)
class Received:
    outcome: Outcome
    inbox_id: int
    reason: str = ""


@dataclass(frozen=True)
class Built:
    """What a mail becomes: a message for the inbox, plus the reason to quarantine it."""

    message: InboundMessage
    quarantine: str | None = None


def _blobs(
    mail: ParsedMail, raw: bytes, with_attachments: bool = True
) -> tuple[store.Blob, dict[int, store.Blob]]:
    """The original, and the attachments small enough to keep by their position in the mail,
    hashed before any transaction begins (the parser already hashed the original)."""
    limit = get_settings().email_max_attachment_bytes
    attachments = {
        index: store.blob(part.data, part.content_type)
        for index, part in enumerate(mail.attachments)
        if with_attachments and len(part.data) <= limit
    }
    return store.Blob(mail.raw_sha256, raw, RAW_TYPE), attachments


def _keys(blobs: dict[int, store.Blob]) -> dict[int, str]:
    return {index: blob.key for index, blob in blobs.items()}


def _attachments(mail: ParsedMail, keys: dict[int, str]) -> tuple[list[AttachmentIn], list[str]]:
    limit = get_settings().email_max_attachment_bytes
    kept: list[AttachmentIn] = []
    dropped: list[str] = []
    for index, part in enumerate(mail.attachments):
        key = keys.get(index)
        if key is None:
            dropped.append(f"{part.filename} ({len(part.data)} bytes > {limit})")
        kept.append(
            AttachmentIn(
                filename=part.filename,
                content_type=part.content_type,
                size=len(part.data),
                storage_key=key,
                sha256=key.removeprefix(store.KEY_PREFIX) if key else _sha256(part.data),
                inline=part.inline,
                content_id=part.content_id,
            )
        )
    return kept, dropped


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build(
    mail: ParsedMail, raw_key: str, envelope_to: Sequence[str], source: str, db: Database,
    attachment_keys: dict[int, str], smtp_auth: senderauth.AuthResult | None = None,
) -> Built:  # fmt: skip
    """The inbound message for ``mail``, threading signals included. ``attachment_keys`` are
    the stored attachments' keys by position (see ``_blobs``); ``smtp_auth`` is the SMTP
    listener's own SPF/DKIM/DMARC check, when the mail came through it."""
    recipients = [*envelope_to, *mail.recipients]
    channel = config.match(recipients, db)
    auth = authenticate(mail, channel, smtp_auth)
    visible, cut = strip_reply(mail.text)
    attachments, dropped = _attachments(mail, attachment_keys)
    reply_ids = list(dict.fromkeys([*mail.references, *mail.in_reply_to]))
    hint = (
        tokens.verified_plus_ticket(recipients)
        or tokens.verified_message_id_ticket(reply_ids)
        or tokens.subject_ticket(mail.subject)
    )
    meta: dict[str, Any] = {
        "email": {
            "source": source,
            "channel_id": channel.channel_id if channel else None,
            "to": channel.address if channel else None,
            "message_id": mail.message_id,
            "raw": raw_key,
            "quote_cut": cut,
            "no_auto_reply": noise.auto_reply_block(mail, config.addresses(db)),
            "defects": mail.defects[:20],
            "dropped_attachments": dropped,
            "auth": auth.as_meta(),
        }
    }
    message = InboundMessage(
        channel=CHANNEL,
        external_id=mail.external_id[:998],
        sender=Sender(email=mail.from_address, name=mail.from_name[:200], verified=auth.verified),
        text=visible if mail.text else _placeholder(attachments),
        html=_visible_html(mail),
        subject=mail.subject,
        reply_to_external_ids=tuple(reply_ids),
        new_conversation=True,
        ticket_hint=hint,
        attachments=tuple(attachments),
        meta=meta,
        # Mail to no address of ours lands on the first mailbox (``inbox.accept``).
        channel_id=channel.channel_id if channel else None,
    )
    return Built(message, _quarantine_reason(mail, attachments, channel, db))


def _visible_html(mail: ParsedMail) -> str | None:
    if not mail.html:
        return None
    return mail.html if is_forward(mail.text) else cut_html_quote(mail.html)


def _placeholder(attachments: list[AttachmentIn]) -> str:
    return f"(no text; {len(attachments)} attachment(s))" if attachments else ""


def _quarantine_reason(
    mail: ParsedMail, attachments: list[AttachmentIn], channel: config.Address | None,
    db: Database,
) -> str | None:  # fmt: skip
    if mail.unreadable:
        return mail.unreadable
    if not mail.from_address:
        return "no sender address (From, Sender and Return-Path are missing or unreadable)"
    if config.base_address(mail.from_address) in config.addresses(db) or (
        mail.message_id and tokens.is_our_message_id(mail.message_id)
    ):
        return "mail loop: sent by this desk's own address"
    if not mail.text.strip() and not attachments:
        defects = f" ({', '.join(mail.defects[:5])})" if mail.defects else ""
        return f"no readable text and no attachments{defects}"
    if mail.text.strip() and not readable(mail.text) and not attachments:
        return "the text is not readable (binary data or an undecodable charset)"
    return None


def receive_raw(
    raw: bytes, *, envelope_to: Sequence[str] = (), source: str = "smtp",
    db: Database | None = None, peer: senderauth.Peer | None = None,
) -> Received:  # fmt: skip
    """Take one raw mail in. Returns after the result is durable (accepted, quarantined or
    applied as a bounce); a mail seen before (same Message-ID) is a ``DUPLICATE``. Raises
    only transient faults (see ``is_transient``). ``peer`` is the SMTP client, for the
    listener's own sender authentication."""
    db = db or get_db()
    try:
        return _receive(raw, envelope_to, source, db, peer)
    except Exception as exc:
        if is_transient(exc):
            raise
        # A mail our code or the database's checks choke on: kept, flagged, never retried
        # by the sender (an SMTP 451 or an IMAP UID left behind would repeat it forever).
        log.exception("email: could not take a mail in; quarantining the original")
        return _quarantine_original(raw, source, db, f"could not be read: {type(exc).__name__}")


def _quarantine_original(raw: bytes, source: str, db: Database, reason: str) -> Received:
    """The last resort: the original bytes (the first part of an oversize mail) stored and
    quarantined under their hash, nothing read from them that could fail again."""
    kept = raw[:OVERSIZE_KEPT] if len(raw) > get_settings().email_max_bytes else raw
    original = store.Blob(_sha256(kept), kept, RAW_TYPE)
    with db.transaction() as session:
        store.write(session, [original])
    record = InboundMessage(
        channel=CHANNEL,
        external_id=f"sha256:{_sha256(raw)}",
        sender=Sender(),
        text="",
        meta={"email": {"source": source, "raw": original.key}},
    )
    accepted = inbox.accept(record, status=inbox.InboxStatus.QUARANTINED, error=reason, db=db)
    outcome = Outcome.DUPLICATE if accepted.duplicate else Outcome.QUARANTINED
    return Received(outcome, accepted.inbox_id, reason)


def _receive(
    raw: bytes, envelope_to: Sequence[str], source: str, db: Database,
    peer: senderauth.Peer | None,
) -> Received:  # fmt: skip
    limit = get_settings().email_max_bytes
    oversize = len(raw) > limit
    kept = raw[:OVERSIZE_KEPT] if oversize else raw
    # Parsed before the write transaction: parsing is pure CPU, and on SQLite writers queue.
    mail = parse(kept)
    bounce = bounces.looks_like_bounce(mail)
    original, attachments = _blobs(mail, kept, with_attachments=not bounce)
    raw_key = original.key
    # The original and its attachments in one transaction; the inbox row follows in
    # ``inbox.accept``'s own, so a crash in between leaves only an unreferenced blob.
    with db.transaction() as session:
        store.write(session, [original, *attachments.values()])
    if bounce:
        return _bounce(mail, raw_key, source, db)
    smtp_auth = None
    if peer is not None and not oversize and mail.unreadable is None:
        # DNS answers can take seconds: asked before any transaction, like the parse.
        smtp_auth = senderauth.check_smtp(kept, from_domain(mail), peer.ip, peer.mail_from,
                                          peer.helo)  # fmt: skip
    built = build(mail, raw_key, envelope_to, source, db, _keys(attachments), smtp_auth)
    reason = built.quarantine
    if oversize:
        reason = f"mail of {len(raw)} bytes is over the {limit}-byte limit (first part kept)"
    if reason is not None:
        accepted = inbox.accept(
            built.message, status=inbox.InboxStatus.QUARANTINED, error=reason, db=db
        )
        log.warning("email quarantined: %s", reason, extra={"inbox_id": accepted.inbox_id})
        outcome = Outcome.DUPLICATE if accepted.duplicate else Outcome.QUARANTINED
        return Received(outcome, accepted.inbox_id, reason)
    accepted = inbox.accept(built.message, db=db)
    outcome = Outcome.DUPLICATE if accepted.duplicate else Outcome.ACCEPTED
    return Received(outcome, accepted.inbox_id)


def _bounce(mail: ParsedMail, raw_key: str, source: str, db: Database) -> Received:
    bounce = bounces.read_bounce(mail)
    # Applied first, then recorded: applying is idempotent, so a crash in between only means
    # the re-fetched bounce is applied again, harmlessly.
    with db.transaction() as session:
        message_id = bounces.apply_bounce(session, bounce)
    record = InboundMessage(
        channel=CHANNEL,
        external_id=mail.external_id[:998],
        sender=Sender(email=mail.from_address),
        text=mail.text[:2000],
        subject=mail.subject,
        meta={"email": {"source": source, "raw": raw_key, "bounce": {
            "action": bounce.action, "status": bounce.status, "recipient": bounce.recipient,
            "diagnostic": bounce.diagnostic, "original_ids": list(bounce.original_ids),
            "message_id": message_id,
        }}},
    )  # fmt: skip
    if message_id is None:
        reason = "delivery report about a message this desk did not send (or cannot find)"
        accepted = inbox.accept(record, status=inbox.InboxStatus.QUARANTINED, error=reason, db=db)
        return Received(Outcome.QUARANTINED, accepted.inbox_id, reason)
    # A bounce is not a customer message: stored as done so it never opens a ticket.
    accepted = inbox.accept(record, status=inbox.InboxStatus.DONE, db=db)
    outcome = Outcome.DUPLICATE if accepted.duplicate else Outcome.BOUNCE
    return Received(outcome, accepted.inbox_id, bounce.reason)


def reparse(inbox_id: int, db: Database | None = None) -> str | None:
    """Parse a quarantined mail again from its stored original; if it now makes a message,
    queue it (returns None), else return why it stays quarantined."""
    db = db or get_db()
    with db.sessions() as session:
        item = session.get(inbox.InboxItem, inbox_id)
        if item is None or item.channel != CHANNEL:
            return f"inbox row {inbox_id} is not an email"
        if item.status not in (inbox.InboxStatus.QUARANTINED, inbox.InboxStatus.FAILED):
            return f"inbox row {inbox_id} is {item.status}, not quarantined"
        stored = item.payload.get("meta", {}).get("email", {})
        raw_key = stored.get("raw", "")
        checked = stored.get("auth") or {}
        smtp_auth = (
            senderauth.AuthResult.from_meta(checked) if checked.get("source") == "smtp" else None
        )
        blob = store.get(session, raw_key)
        if blob is None:
            return "the original mail is not stored"
        raw = blob.data
    mail = parse(raw)
    if bounces.looks_like_bounce(mail):
        return "a delivery report, not a customer message"
    # Attachments over the limit at the first attempt may fit now; the rest are no-ops.
    _, attachments = _blobs(mail, raw)
    with db.transaction() as session:
        store.write(session, list(attachments.values()))
    built = build(mail, raw_key, (), "retry", db, _keys(attachments), smtp_auth)
    if built.quarantine is not None:
        return built.quarantine
    with db.transaction() as session:
        row = session.get_one(inbox.InboxItem, inbox_id)
        # On the channel it was accepted on: that is the row's deduplication key.
        row.payload = inbox.to_payload(replace(built.message, channel_id=row.channel_id))
        inbox.retry(session, inbox_id)
    return None
