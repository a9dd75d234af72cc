"""Media a provider hosts (MMS pictures on Twilio, WhatsApp media at Meta), fetched into the
desk's attachment store by a job once the message is in.

The webhook answers at once and the message is accepted with its attachments marked
``pending`` (``Attachment.fetch_*``): fetching needs the provider's credentials, can be slow
and can fail, and none of that may lose or delay the message. After the message's commit
(``message.received``) and on every minute sweep while any are due, the ``channels.media``
long job claims due attachments one by one with a conditional UPDATE, asks the channel
kind's ``fetch_media`` for the bytes and records the outcome: stored (downloadable like any
attachment), refused (too big, a type we do not keep: listed with the reason), retried with
back-off (5xx, 429, timeouts) or failed for good (shown on the ticket with the reason).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from minidesk import events, features, hints
from minidesk.channels import providers, registry
from minidesk.channels.email import store
from minidesk.db import Database, get_db, on_commit, utcnow
from minidesk.desk.models import Attachment, FetchStatus, Message
from minidesk.event_kinds import EventKind
from minidesk.events import Event, listen
from minidesk.keys import CredentialError
from minidesk.net import http
from minidesk.outbox import backoff
from minidesk.periodic import LongJob
from minidesk.settings import get_settings

log = logging.getLogger(__name__)

JOB = "channels.media"
# Tries before a failing provider's media is given up (10 s, 20 s … about 20 minutes in all).
MAX_ATTEMPTS = 8
# A worker that died mid-fetch leaves its claim; after this another worker tries again.
LEASE = dt.timedelta(minutes=5)
BATCH = 50  # attachments per run: a backlog is worked through by the next sweeps' runs
# What we keep: pictures, sound, video and documents. Never types a browser would run
# (HTML, SVG, XML) or programs: those stay listed at the provider with the reason.
KEPT_FAMILIES = ("image/", "audio/", "video/")
KEPT_TYPES = frozenset(
    {
        "application/pdf",
        "text/plain",
        "text/csv",
        "text/vcard",
        "text/x-vcard",
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    }
)
NEVER_KEPT = frozenset({"image/svg+xml"})
GENERIC = "application/octet-stream"


@dataclass(frozen=True)
class Fetched:
    data: bytes
    content_type: str


class MediaError(Exception):
    """The provider could not hand the media over; ``permanent``: asking again cannot help."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class MediaRefused(Exception):
    """The provider has the media but the desk does not keep it (too big, a refused type)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# A kind's ``fetch_media``: (the channel with its secrets, ``fetch_source``, the byte limit).
FetchMedia = Callable[[providers.Configured, str, int], Fetched]


def kept_type(content_type: str) -> bool:
    kind = content_type.split(";", maxsplit=1)[0].strip().lower()
    if kind in NEVER_KEPT:
        return False
    return kind in KEPT_TYPES or kind.startswith(KEPT_FAMILIES)


def check_type(content_type: str) -> None:
    """Raise ``MediaRefused`` for a type the desk does not keep (before any byte is read)."""
    if not kept_type(content_type):
        raise MediaRefused(f"{content_type or 'an unnamed type'} files are not kept by the desk")


def too_big(limit: int) -> MediaRefused:
    return MediaRefused(f"larger than {limit} bytes (MINIDESK_EMAIL_MAX_ATTACHMENT_BYTES)")


def _due(now: dt.datetime) -> ColumnElement[bool]:
    return (Attachment.fetch_status == FetchStatus.PENDING) & (Attachment.fetch_due_at <= now)


def due_ids(session: Session, now: dt.datetime, limit: int = BATCH) -> list[int]:
    query = select(Attachment.id).where(_due(now)).order_by(Attachment.fetch_due_at).limit(limit)
    return list(session.scalars(query))


def _claim(session: Session, attachment_id: int, now: dt.datetime) -> bool:
    won = session.execute(
        update(Attachment)
        .where(Attachment.id == attachment_id, _due(now))
        .values(fetch_due_at=now + LEASE, fetch_attempts=Attachment.fetch_attempts + 1)
    )
    return won.rowcount == 1  # type: ignore[attr-defined]


@dataclass(frozen=True)
class _Work:
    channel: providers.Configured | None
    fetch: str | None  # the kind's ``fetch_media``
    source: str
    attempts: int
    declared_type: str


def _work(session: Session, attachment_id: int) -> _Work:
    row = session.get_one(Attachment, attachment_id)
    message = session.get_one(Message, row.message_id)
    channel = None
    if message.channel_id is not None:
        channel = providers.configured(session, message.channel_id, message.channel)
    kind = registry.kind(message.channel)
    return _Work(channel, kind.fetch_media, row.fetch_source or "", row.fetch_attempts,
                 row.content_type)  # fmt: skip


def fetch_one(db: Database, attachment_id: int) -> str | None:
    """Fetch one due attachment's bytes; its new ``fetch_status``, or None if not due."""
    now = utcnow()
    with db.transaction() as session:
        if not _claim(session, attachment_id, now):
            return None
        try:
            work = _work(session, attachment_id)
        except CredentialError as exc:
            work = None
            failure = MediaError(str(exc), permanent=True)
    if work is None:
        return _record(db, attachment_id, failure, MAX_ATTEMPTS)
    if work.channel is None or work.fetch is None:
        gone = MediaError("the channel that received it no longer exists", permanent=True)
        return _record(db, attachment_id, gone, work.attempts)
    fetch: FetchMedia = features.resolve(work.fetch)
    limit = get_settings().email_max_attachment_bytes
    try:
        fetched = fetch(work.channel, work.source, limit)
        # A storage host may answer a generic type; the provider's webhook named the real one.
        if fetched.content_type in ("", GENERIC):
            fetched = Fetched(fetched.data, work.declared_type)
        check_type(fetched.content_type)
        if len(fetched.data) > limit:
            raise too_big(limit)
    except (MediaError, MediaRefused) as exc:
        return _record(db, attachment_id, exc, work.attempts)
    except Exception as exc:  # a fetcher's bug must not leave the row claimed for good
        log.exception("fetching media for attachment %s failed", attachment_id)
        return _record(db, attachment_id, MediaError(repr(exc)[:500], permanent=False),
                       work.attempts)  # fmt: skip
    return _store(db, attachment_id, fetched)


def _store(db: Database, attachment_id: int, fetched: Fetched) -> str:
    blob = store.blob(fetched.data, fetched.content_type)
    with db.transaction() as session:
        store.write(session, [blob])
        row = session.get_one(Attachment, attachment_id)
        row.storage_key, row.sha256, row.size = blob.key, blob.sha256, len(blob.data)
        if fetched.content_type:
            row.content_type = fetched.content_type[:255]
        row.fetch_status, row.fetch_error, row.fetch_due_at = FetchStatus.STORED, None, None
    return FetchStatus.STORED


def _record(db: Database, attachment_id: int, exc: MediaError | MediaRefused, attempts: int) -> str:
    with db.transaction() as session:
        row = session.get_one(Attachment, attachment_id)
        row.fetch_error = exc.reason[:2000]
        if isinstance(exc, MediaRefused):
            row.fetch_status, row.fetch_due_at = FetchStatus.REFUSED, None
        elif exc.permanent or attempts >= MAX_ATTEMPTS:
            row.fetch_status, row.fetch_due_at = FetchStatus.FAILED, None
        else:  # stays pending: the sweep queues the job again once this is due
            row.fetch_due_at = utcnow() + backoff(attempts)
        return row.fetch_status or FetchStatus.PENDING


def is_due(now: dt.datetime) -> bool:
    with get_db().sessions() as session:
        return bool(due_ids(session, now, limit=1))


def run(now: dt.datetime) -> int:
    """Fetch every attachment due at ``now`` (one claim each); returns how many were stored."""
    db = get_db()
    with db.sessions() as session:
        ids = due_ids(session, now)
    return sum(fetch_one(db, attachment_id) == FetchStatus.STORED for attachment_id in ids)


FETCH_JOB = LongJob(name=JOB, is_due=is_due, run=run)


@listen(EventKind.MESSAGE_RECEIVED, transactional=True)
def fetch_soon(session: Session, event: Event) -> None:
    """A message with media to fetch: run the job now rather than at the next sweep."""
    if event.message_id is None:
        return
    if event.message_id in _with_media_to_fetch(session, event.message_id):
        on_commit(session, lambda: hints.long_job_due(JOB))


_TO_FETCH = "minidesk.channels.media.to_fetch"


def _with_media_to_fetch(session: Session, message_id: int) -> set[int]:
    """Of ``message_id`` and the other messages of the dispatch batch, those with an
    attachment waiting to be fetched: one query for the batch, since most have none. Only
    the pipeline adds attachments to a customer's message, before the batch begins."""
    batch = events.batch(session)
    held: tuple[list[Event], set[int], set[int]] | None = session.info.get(_TO_FETCH)
    if held is None or held[0] is not batch or message_id not in held[1]:
        received = (e.message_id for e in batch if e.kind == EventKind.MESSAGE_RECEIVED)
        asked = {m for m in received if m is not None} | {message_id}
        waiting = session.scalars(
            select(Attachment.message_id)
            .where(
                Attachment.message_id.in_(asked),
                Attachment.fetch_status == FetchStatus.PENDING,
            )
            .distinct()
        )
        held = (batch, asked, {m for m in waiting if m is not None})
        session.info[_TO_FETCH] = held
    return held[2]


def read_answer(response: http.Response, limit: int, who: str) -> Fetched:
    """The media in a provider's answer to a download, or why not (``MediaError`` for an
    error status, ``MediaRefused`` for a file over ``limit``)."""
    if not response.ok:
        # 429 and 5xx are the provider's trouble and pass; other answers will not change.
        temporary = response.status == 429 or response.status >= 500
        raise MediaError(f"{who} answered {response.status} to the download",
                         permanent=not temporary)  # fmt: skip
    if response.truncated:
        raise too_big(limit)
    content_type = response.headers.get("content-type", "").split(";", maxsplit=1)[0].strip()
    return Fetched(response.body, content_type.lower())
