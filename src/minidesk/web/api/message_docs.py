"""Messages as the API shows them: each with its provider's delivery record where one exists.

The record lives in ``channel_deliveries`` (the channels' table, not the desk's), so it is
fetched for a whole page in one query rather than joined onto every message query."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from minidesk.channels import deliveries
from minidesk.desk.models import Message
from minidesk.web.pagination import Page, paginate
from minidesk.web.schemas import DeliveryOut, MessageOut


def message_page(session: Session, rows: Sequence[Message], limit: int) -> Page[MessageOut]:
    """A page of messages fetched with ``limit + 1`` rows, delivery details included."""
    page = paginate(rows, limit, MessageOut)
    found = deliveries.for_messages(session, [item.id for item in page.items])
    for item in page.items:
        row = found.get(item.id)
        item.delivery = DeliveryOut.model_validate(row) if row is not None else None
    return page

