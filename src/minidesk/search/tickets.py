"""Ticket search: subject, every message, and internal notes for readers who may see them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from minidesk.desk.models import Direction, Message, Ticket
from minidesk.search import engine
from minidesk.search.query import Query

# A snippet is cut from the start of a long thread (ts_headline reads all it is given).
_MAX_SNIPPET_TEXT = 20_000


def _text(key: ColumnElement[Any], private: bool) -> ColumnElement[str]:
    messages = select(func.string_agg(Message.text, " ")).where(Message.ticket_id == key)
    if not private:
        messages = messages.where(Message.direction != Direction.NOTE)
    subject = select(Ticket.subject).where(Ticket.id == key).scalar_subquery()
    whole = func.concat_ws(" … ", subject, messages.scalar_subquery())
    return func.left(whole, _MAX_SNIPPET_TEXT)


def _config(key: ColumnElement[Any]) -> ColumnElement[Any]:
    language = select(Ticket.language).where(Ticket.id == key).scalar_subquery()
    return func.search_regconfig(language)


INDEX = engine.Index(
    name="search_tickets",
    key="ticket_id",
    columns=("subject", "body", "notes", "stems", "note_stems"),
    public_columns=("subject", "body", "stems"),
    public_weights="AB",
    # A word in the subject counts four times one in a message or a note.
    bm25_weights=(4.0, 1.0, 1.0, 1.0, 1.0),
    shown_columns=("subject", "body", "notes"),
    stemmed=True,
    pg_text=_text,
    pg_config=_config,
)


def ranked_ids(
    session: Session,
    query: Query,
    conditions: Sequence[ColumnElement[bool]],
    *,
    private: bool,
    limit: int,
    offset: int = 0,
    selective: bool = False,
    filtered: bool = False,
) -> list[int]:
    """Numbers of the tickets matching ``query`` and every condition (filters, visibility),
    best first (newest first among equals; see ``engine.ranked_keys``). ``selective``: the
    conditions pick few tickets (one customer's), so the search starts from them;
    ``filtered``: the reader's filters are among the conditions (see ``engine._matching``)."""
    return engine.ranked_keys(
        session,
        INDEX,
        query,
        Ticket.id,
        conditions,
        private=private,
        limit=limit,
        offset=offset,
        selective=selective,
        filtered=filtered,
    )


def snippets(
    session: Session, query: Query, numbers: Sequence[int], *, private: bool
) -> dict[int, str]:
    return engine.snippets(session, INDEX, query, numbers, private=private)
