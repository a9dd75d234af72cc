"""Cursor pagination: ``{"items": [...], "next_cursor": "..."|null}`` over descending ids."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from minidesk.web.problems import Problem

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
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


def paginate(rows: Sequence[Any], limit: int, schema: type[M]) -> Page[M]:
    """A page of ``schema`` documents from rows fetched with ``limit + 1`` (one more than the
    page shows, which says whether a next page exists); the cursor is the last row's id."""
    shown = rows[:limit]
    cursor = encode_cursor(shown[-1].id) if len(rows) > limit else None
    return Page[schema](  # type: ignore[valid-type]  # parameterised at run time
        items=[schema.model_validate(row) for row in shown],
        next_cursor=cursor,
    )
