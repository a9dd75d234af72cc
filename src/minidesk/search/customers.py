"""Customer search: names and every identity (emails, phones, chat and external ids)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, cast, func, literal, select
from sqlalchemy.dialects.postgresql import REGCONFIG
from sqlalchemy.orm import Session

from minidesk.desk.models import Customer, CustomerIdentity
from minidesk.search import engine
from minidesk.search.languages import FALLBACK
from minidesk.search.query import Query


def _text(key: ColumnElement[Any], private: bool) -> ColumnElement[str]:
    identities = select(func.string_agg(CustomerIdentity.value, " ")).where(
        CustomerIdentity.customer_id == key
    )
    name = select(Customer.name).where(Customer.id == key).scalar_subquery()
    return func.concat_ws(" · ", name, identities.scalar_subquery())


def _config(key: ColumnElement[Any]) -> ColumnElement[Any]:
    return cast(literal(FALLBACK), REGCONFIG)


INDEX = engine.Index(
    name="search_customers",
    key="customer_id",
    columns=("name", "identities"),
    public_columns=("name", "identities"),
    public_weights="",
    bm25_weights=(2.0, 1.0),
    shown_columns=("name", "identities"),
    pg_text=_text,
    pg_config=_config,
    # Names and addresses are not stemmed: "Rowan" must not find "Rowing".
    pg_configs=(FALLBACK,),
)


def ranked_ids(
    session: Session,
    query: Query,
    conditions: Sequence[ColumnElement[bool]],
    *,
    limit: int,
    offset: int = 0,
) -> list[int]:
    """Ids of the unmerged customers matching ``query`` and every condition, best first."""
    unmerged = [Customer.merged_into_id.is_(None), *conditions]
    return engine.ranked_keys(
        session, INDEX, query, Customer.id, unmerged, private=True, limit=limit, offset=offset
    )


def snippets(session: Session, query: Query, ids: Sequence[int]) -> dict[int, str]:
    return engine.snippets(session, INDEX, query, ids, private=True)


def find(
    session: Session,
    query: Query,
    *,
    limit: int,
    offset: int = 0,
    visible: ColumnElement[bool] | None = None,
) -> list[Customer]:
    """The unmerged customers ``query`` finds, best first; ``visible`` narrows them to those
    the reader may see (``desk.access.visible_customers``)."""
    conditions = [] if visible is None else [visible]
    ids = ranked_ids(session, query, conditions, limit=limit, offset=offset)
    loaded = {c.id: c for c in session.scalars(select(Customer).where(Customer.id.in_(ids)))}
    return [loaded[key] for key in ids if key in loaded]
