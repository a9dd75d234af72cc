"""Consent on an SMS number: who opted out (STOP) and every keyword message that changed it.

Carriers require that a number that texted STOP is never messaged again until it texts START;
``sms_keywords`` keeps each keyword message once (by Twilio's MessageSid), so a redelivered or
replayed STOP after a START cannot opt the number out again, and it is the consent record a
carrier audit asks for.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from minidesk.db import Base, utcnow


class SmsOptOut(Base):
    __tablename__ = "sms_opt_outs"
    __table_args__ = (UniqueConstraint("channel_id", "phone"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"))
    phone: Mapped[str] = mapped_column(String(32))  # E.164
    keyword: Mapped[str] = mapped_column(String(16))
    opted_out_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class SmsKeyword(Base):
    __tablename__ = "sms_keywords"
    __table_args__ = (UniqueConstraint("channel_id", "message_sid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"))
    message_sid: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str] = mapped_column(String(32), index=True)
    # stop, start or help (the synonym the customer used is in ``word``).
    keyword: Mapped[str] = mapped_column(String(16))
    word: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
