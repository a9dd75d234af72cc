"""The ``ticket_fields`` table: one admin-defined custom field of tickets."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from minidesk.db import Base, utcnow


class FieldType(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    DROPDOWN = "dropdown"
    CHECKBOX = "checkbox"


class TicketField(Base):
    """A field's ``key`` names its value in ``Ticket.custom_fields``; it never changes, so
    values written under it stay meaningful. An inactive field keeps its values but is no
    longer shown, set or required."""

    __tablename__ = "ticket_fields"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100))
    type: Mapped[str] = mapped_column(String(16))
    # A dropdown's choices, in the order shown; empty for the other types.
    options: Mapped[list[Any]] = mapped_column(default=list)
    required_to_solve: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
