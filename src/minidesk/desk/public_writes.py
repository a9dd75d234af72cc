"""Writes that anyone may make without signing in (help-centre feedback, logged help searches,
survey answers, new chat visitors, widget suggestions) are limited per client address.

One token bucket per address, shared by every kind of public write: a flood cannot multiply
its budget by spreading over endpoints. The bucket holds ``MINIDESK_PUBLIC_WRITES_BURST``
tokens and refills at ``MINIDESK_PUBLIC_WRITES_PER_MINUTE``. Addresses are counted as the
sign-in throttle counts them (``sign_in.address_key``: IPv6 per /64).

The bucket is a row, so every process (and machine) draws on the same one. It is stored in
its GCRA form: the one number kept is the time at which the bucket would be full again
(``full_at``); a write costs one interval (60 s / rate), and is allowed while ``full_at`` lies
less than ``burst`` intervals ahead. Taking a token is then a single conditional upsert that
tells the caller whether it won (a row comes back) — no read-then-write race between
processes, and no timer to refill anything.
"""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import Double, Index, String, case, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from minidesk.db import Base, get_db, upsert_insert
from minidesk.desk.sign_in import address_key
from minidesk.settings import Settings

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class PublicWriteBucket(Base):
    """One client address's bucket. A row whose ``full_at`` has passed is a full bucket,
    the same as no row: the periodic prune deletes those."""

    __tablename__ = "public_write_buckets"
    __table_args__ = (Index("ix_public_write_buckets_full_at", "full_at"),)

    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Seconds since the epoch (a float, so the arithmetic is the same SQL on both databases).
    full_at: Mapped[float] = mapped_column(Double)


class PublicWritesThrottled(Exception):
    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        self.detail = f"too many requests from this address; try again in {retry_after} s"
        super().__init__(self.detail)


def _seconds(moment: dt.datetime) -> float:
    return (moment - EPOCH).total_seconds()


def take(session: Session, settings: Settings, host: str, now: dt.datetime) -> None:
    """Spend one token of ``host``'s bucket, or raise ``PublicWritesThrottled`` (spending
    nothing: a refused request does not extend the wait)."""
    address = address_key(host)
    interval = 60.0 / settings.public_writes_per_minute
    tolerance = interval * (settings.public_writes_burst - 1)
    at = _seconds(now)
    table = PublicWriteBucket.__table__
    column = table.c.full_at
    won = session.execute(
        upsert_insert(session, table)
        .values(address=address, full_at=at + interval)
        .on_conflict_do_update(
            index_elements=["address"],
            set_={"full_at": case((column > at, column), else_=at) + interval},
            where=column - at <= tolerance,
        )
        .returning(column)
    ).first()
    if won is not None:
        return
    full_at = session.scalar(select(column).where(table.c.address == address)) or at
    raise PublicWritesThrottled(max(1, math.ceil(full_at - at - tolerance)))


def prune_full(now: dt.datetime) -> int:
    """The minute sweep forgets full buckets (no row is a full bucket), so the table holds
    only the addresses that wrote within the last ``burst`` intervals; returns how many."""
    with get_db().transaction() as session:
        result = session.execute(
            delete(PublicWriteBucket).where(PublicWriteBucket.full_at <= _seconds(now))
        )
    return int(getattr(result, "rowcount", 0) or 0)
