"""Cursor pagination: ``{"items": [...], "next_cursor": "..."|null}`` over descending ids.

A cursor is opaque to clients: base64url of ``id:<row id>``. Whatever else arrives in its place
is refused with a 400 ``invalid-cursor`` problem before it reaches a query, because the
database would otherwise meet a value it cannot hold (a 40-digit id overflows SQLite's and
PostgreSQL's 64-bit integers and surfaced as a 500).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from minidesk.web.problems import Problem

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
MAX_LIMIT = 100
# Row ids are 64-bit signed integers on every database we support.
MAX_ID = 2**63 - 1
# base64url of "id:" and 19 digits is 30 characters; anything longer was not issued by us.
MAX_CURSOR_CHARS = 32
_ENCODED = re.compile(r"^[A-Za-z0-9_-]+$")
_DECODED = re.compile(r"^id:([1-9][0-9]{0,18})$")
# Ranked lists (search results) page by position, not id: "at:<rows already shown>".
_AT = re.compile(r"^at:([1-9][0-9]{0,5})$")
# Deeper than this a ranked list is not read, it is refined: the query is what to change.
MAX_OFFSET = 10_000


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """The id to continue below or after (0: from the start); ``Problem(400)`` for anything
    this API did not issue."""
    if not cursor:
        return 0
    found = _DECODED.match(_decoded(cursor))
    if found is None or int(found.group(1)) > MAX_ID:
        raise _invalid(cursor)
    return int(found.group(1))


def encode_offset(shown: int) -> str:
    return base64.urlsafe_b64encode(f"at:{shown}".encode()).decode().rstrip("=")


def decode_offset(cursor: str | None) -> int:
    """How many rows of a ranked list the pages before this one showed (0: from the start);
    ``Problem(400)`` for a cursor this API did not issue or one past ``MAX_OFFSET``."""
    if not cursor:
        return 0
    found = _AT.match(_decoded(cursor))
    if found is None:
        raise _invalid(cursor)
    if int(found.group(1)) > MAX_OFFSET:
        raise Problem(
            400,
            f"search results are paged up to {MAX_OFFSET} rows deep; narrow the query or "
            "add filters",
            slug="invalid-cursor",
        )
    return int(found.group(1))


def _decoded(cursor: str) -> str:
    """The text a cursor this API issued stands for; ``Problem(400)`` where it cannot be one."""
    if len(cursor) > MAX_CURSOR_CHARS or not _ENCODED.match(cursor):
        raise _invalid(cursor)
    try:
        return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (ValueError, binascii.Error):  # UnicodeDecodeError is a ValueError
        raise _invalid(cursor) from None


def _invalid(cursor: str) -> Problem:
    # A long cursor is cut, so the problem does not echo whatever size was sent.
    shown = cursor if len(cursor) <= MAX_CURSOR_CHARS else cursor[:MAX_CURSOR_CHARS] + "…"
    return Problem(
        400,
        f"cursor {shown!r} is not one this API issued; pass next_cursor from a previous page "
        "unchanged, or omit it to start from the beginning",
        slug="invalid-cursor",
    )


def paginate(rows: Sequence[Any], limit: int, schema: type[M]) -> Page[M]:
    """A page of ``schema`` documents from rows fetched with ``limit + 1`` (one more than the
    page shows, which says whether a next page exists); the cursor is the last row's id."""
    shown = rows[:limit]
    cursor = encode_cursor(shown[-1].id) if len(rows) > limit else None
    return Page[schema](  # type: ignore[valid-type]  # parameterised at run time
        items=[schema.model_validate(row) for row in shown],
        next_cursor=cursor,
    )
