"""Cursor pagination: ``{"items": [...], "next_cursor": "..."|null}`` over descending ids."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Generic, TypeVar

from pydantic import BaseModel

from minidesk.web.problems import Problem

T = TypeVar("T")
MAX_LIMIT = 100


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """The id to continue below (0: from the start)."""
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = raw.partition(":")
        if kind != "id":
            raise ValueError(kind)
        return int(value)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise Problem(
            400, f"cursor {cursor!r} is not one this API issued", slug="invalid-cursor"
        ) from None


def page_of(rows: list[T], limit: int, key: Callable[[T], int]) -> tuple[list[T], str | None]:
    """Split rows fetched with ``limit + 1`` into this page and the cursor to the next one."""
    if len(rows) <= limit:
        return rows, None
    page = rows[:limit]
    return page, encode_cursor(key(page[-1]))
