"""A customer's tags (``vip``, ``wholesale``): added and removed like a ticket's, normalised
the same way, recorded as ``customer.updated`` with the tags before and after."""

from __future__ import annotations

from sqlalchemy.orm import Session

from minidesk.desk.models import Customer
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, changed, emit

TAG_MAX = 64
MAX_TAGS = 50


class CustomerTagError(ValueError):
    pass


def _clean(tags: list[str]) -> set[str]:
    return {tag.strip().lower() for tag in tags if tag.strip()}


def do_set_customer_tags(
    session: Session, customer: Customer, add: list[str], remove: list[str], actor: Actor
) -> bool:
    """Whether anything changed. Raises ``CustomerTagError`` for a tag over ``TAG_MAX``
    characters or a customer with more than ``MAX_TAGS`` tags."""
    added = _clean(add)
    if too_long := sorted(tag for tag in added if len(tag) > TAG_MAX):
        raise CustomerTagError(f"tag {too_long[0][:20]}… is longer than {TAG_MAX} characters")
    before = sorted(str(tag) for tag in customer.tags or [])
    after = sorted((set(before) | added) - _clean(remove))
    if after == before:
        return False
    if len(after) > MAX_TAGS:
        raise CustomerTagError(f"a customer has at most {MAX_TAGS} tags")
    customer.tags = after
    emit(
        session,
        EventKind.CUSTOMER_UPDATED,
        actor,
        customer_id=customer.id,
        **changed({"tags": before}, {"tags": after}),
    )
    return True
