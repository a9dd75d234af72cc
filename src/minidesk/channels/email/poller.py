"""Reading a support mailbox over IMAP into the inbox, one poll at a time.

A poll claims the mailbox with a lease (a conditional UPDATE, so across any number of workers
only one reads a mailbox at a time), fetches the UIDs after the last one imported, hands each
raw mail to ``receive_raw`` and, once those are committed, records the new last UID and only
then marks the mails ``\\Seen`` or moves them. Nothing is ever deleted or expunged.

A crash between the commit and the UID update means the same mails are fetched again next time
and recognised by their Message-ID; a changed UIDVALIDITY (the folder was recreated or
restored) restarts from the first UID under the same protection.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from imapclient import SEEN, IMAPClient
from imapclient.exceptions import IMAPClientError
from sqlalchemy import or_, select, update

from minidesk.channels.email import imap, tokens
from minidesk.channels.email.models import EmailChannel, ProcessedAction
from minidesk.channels.email.receive import Outcome, receive_raw
from minidesk.db import Database, get_db, utcnow

log = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=5)
# Mails fetched per round trip: large enough to amortise latency, small enough that the UID
# recorded after each batch keeps a crash from refetching much.
BATCH = 25
# IDLE is re-issued this often so the lease is renewed and a stop request is noticed; RFC 2177
# only asks for less than 29 minutes.
IDLE_CHUNK_SECONDS = 10.0
SOURCE = "imap"


class LeaseLost(Exception):
    """Another worker holds the mailbox now (ours expired); stop without writing more."""


@dataclass(frozen=True)
class PollResult:
    channel_id: int
    imported: int = 0
    busy: bool = False
    idled: bool = False
    error: str | None = None


@dataclass(frozen=True)
class _Config:
    mailbox: imap.Mailbox
    address: str
    folder: str
    action: str
    move_to: str | None
    uidvalidity: int | None
    last_uid: int


def imap_channel_ids(db: Database | None = None) -> list[int]:
    """Active channels with a mailbox to read."""
    with (db or get_db()).sessions() as session:
        return list(
            session.scalars(
                select(EmailChannel.id)
                .where(EmailChannel.active.is_(True), EmailChannel.imap_host.is_not(None))
                .order_by(EmailChannel.id)
            )
        )


def claim(db: Database, channel_id: int) -> dt.datetime | None:
    """Take the mailbox's lease; its expiry (our token), or None if another worker has it."""
    now = utcnow()
    until = now + LEASE
    with db.transaction() as session:
        won = session.execute(
            update(EmailChannel)
            .where(
                EmailChannel.id == channel_id,
                EmailChannel.active.is_(True),
                EmailChannel.imap_host.is_not(None),
                or_(EmailChannel.imap_lease_until.is_(None), EmailChannel.imap_lease_until < now),
            )
            .values(imap_lease_until=until)
        )
        return until if won.rowcount == 1 else None  # type: ignore[attr-defined]


def _release(db: Database, channel_id: int, lease: dt.datetime, error: str | None) -> None:
    with db.transaction() as session:
        session.execute(
            update(EmailChannel)
            .where(EmailChannel.id == channel_id, EmailChannel.imap_lease_until == lease)
            .values(imap_lease_until=None)
        )
        # Recorded even when the lease was lost: the admin should see why this poll failed.
        session.execute(
            update(EmailChannel).where(EmailChannel.id == channel_id).values(imap_last_error=error)
        )


def _config(db: Database, channel_id: int) -> _Config:
    with db.sessions() as session:
        row = session.get_one(EmailChannel, channel_id)
        if not row.imap_username or not row.imap_password_encrypted:
            raise imap.ImapError("imap_username and imap_password are needed to read the mailbox")
        try:
            password = tokens.decrypt(row.imap_password_encrypted)
        except tokens.CredentialError as exc:
            raise imap.ImapError(str(exc)) from exc
        box = imap.Mailbox(
            host=row.imap_host or "", port=row.imap_port, security=row.imap_security,
            username=row.imap_username, password=password, ca_file=row.imap_ca_file,
        )  # fmt: skip
        return _Config(box, row.address, row.imap_folder, row.imap_processed_action,
                       row.imap_move_to, row.imap_uidvalidity, row.imap_last_uid)  # fmt: skip


class _Poll:
    """One claimed poll of one mailbox over one connection."""

    def __init__(self, db: Database, channel_id: int, lease: dt.datetime, config: _Config,
                 client: IMAPClient) -> None:  # fmt: skip
        self.db, self.channel_id, self.lease = db, channel_id, lease
        self.config, self.client = config, client
        self.uidvalidity, self.last_uid = config.uidvalidity, config.last_uid
        self.imported = 0

    def _save(self) -> None:
        """Record progress and renew the lease, only while the lease is still ours."""
        renewed = utcnow() + LEASE
        with self.db.transaction() as session:
            won = session.execute(
                update(EmailChannel)
                .where(
                    EmailChannel.id == self.channel_id,
                    EmailChannel.imap_lease_until == self.lease,
                )
                .values(
                    imap_uidvalidity=self.uidvalidity,
                    imap_last_uid=self.last_uid,
                    imap_lease_until=renewed,
                )
            )
            if won.rowcount != 1:  # type: ignore[attr-defined]
                raise LeaseLost(f"email channel {self.channel_id}: lease expired mid-poll")
        self.lease = renewed

    def sync(self) -> None:
        """Import every mail after the last recorded UID."""
        config = self.config
        if config.action == ProcessedAction.MOVE and not self.client.has_capability("MOVE"):
            # Moving without MOVE means COPY + EXPUNGE, and we never expunge.
            raise imap.ImapError(
                f"{config.mailbox.host} offers no IMAP MOVE; use imap_processed_action 'seen'"
            )
        selected = self.client.select_folder(config.folder)
        validity = int(selected[b"UIDVALIDITY"])
        if self.uidvalidity != validity:
            if self.uidvalidity is not None:
                log.warning("imap: UIDVALIDITY of %s changed (%s → %s); reading it again",
                            config.folder, self.uidvalidity, validity)  # fmt: skip
            self.uidvalidity, self.last_uid = validity, 0
            self._save()
        # "n:*" always matches the newest mail, even when its UID is below n.
        found = self.client.search(["UID", f"{self.last_uid + 1}:*"])
        uids = sorted(int(uid) for uid in found if int(uid) > self.last_uid)
        for start in range(0, len(uids), BATCH):
            self._import(uids[start : start + BATCH])

    def _import(self, uids: Sequence[int]) -> None:
        fetched = self.client.fetch(list(uids), ["BODY.PEEK[]"])
        for uid in uids:
            raw = fetched.get(uid, {}).get(b"BODY[]")
            if raw is None:  # expunged by someone else since the search
                continue
            received = receive_raw(raw, envelope_to=[self.config.address], source=SOURCE,
                                   db=self.db)  # fmt: skip
            self.imported += received.outcome != Outcome.DUPLICATE
        self.last_uid = max(uids)
        self._save()
        if self.config.action == ProcessedAction.MOVE and self.config.move_to:
            if not self.client.folder_exists(self.config.move_to):
                self.client.create_folder(self.config.move_to)
            self.client.move(list(uids), self.config.move_to)
        else:
            self.client.add_flags(list(uids), [SEEN])

    def idle(self, seconds: float, stop: threading.Event) -> bool:
        """Wait in IDLE for new mail up to ``seconds``, importing it as it comes; False if
        the server has no IDLE (the caller polls on a timer instead)."""
        if not self.client.has_capability("IDLE"):
            return False
        deadline = time.monotonic() + seconds
        while not stop.is_set() and (left := deadline - time.monotonic()) > 0:
            self.client.idle()
            try:
                # Any response means news; returning early just imports it sooner.
                self.client.idle_check(timeout=min(left, IDLE_CHUNK_SECONDS))
            finally:
                self.client.idle_done()
            # Searched after every chunk, not only when EXISTS was seen: a server may announce
            # new mail just before it confirms IDLE, where imaplib files it away unseen.
            self.sync()
            if self.lease - utcnow() < LEASE / 2:
                self._save()
        return True


def poll_mailbox(
    channel_id: int, *, db: Database | None = None, idle_seconds: float = 0,
    stop: threading.Event | None = None,
) -> PollResult:  # fmt: skip
    """Poll one mailbox once (then wait in IDLE up to ``idle_seconds``); never raises for
    mailbox or storage trouble, which is recorded as the channel's ``imap_last_error``."""
    db = db or get_db()
    lease = claim(db, channel_id)
    if lease is None:
        return PollResult(channel_id, busy=True)
    error: str | None = None
    imported, idled = 0, False
    try:
        config = _config(db, channel_id)
        client = imap.connect(config.mailbox)
        poll = _Poll(db, channel_id, lease, config, client)
        try:
            poll.sync()
            if idle_seconds > 0:
                idled = poll.idle(idle_seconds, stop or threading.Event())
        finally:
            imported, lease = poll.imported, poll.lease
            _logout(client)
    except imap.ImapError as exc:
        error = str(exc)
    except LeaseLost as exc:
        log.warning("imap: %s", exc)
    except (*imap.NETWORK_ERRORS, IMAPClientError) as exc:
        error = f"connection lost: {type(exc).__name__}: {exc}"
    except Exception as exc:
        # receive_raw quarantines bad mail itself; what reaches here is our storage failing
        # (the UID was not advanced, so the next poll retries): the admin must see it.
        log.exception("imap: email channel %s: poll failed", channel_id)
        error = f"poll failed: {type(exc).__name__}: {exc}"[:1000]
    finally:
        _release(db, channel_id, lease, error)
    if error:
        log.warning("imap: email channel %s: %s", channel_id, error)
    return PollResult(channel_id, imported=imported, idled=idled, error=error)


def _logout(client: IMAPClient) -> None:
    try:
        client.logout()
    except (*imap.NETWORK_ERRORS, IMAPClientError):
        client.shutdown()
