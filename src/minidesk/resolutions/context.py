"""One turn of a conversation: the message, what triage found, who sent it, the store."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk import events, inbox
from minidesk.channels.email.quotes import strip_reply
from minidesk.channels.text import one_line
from minidesk.commerce.connector import CommerceConnector, CustomerRecord, OrderRecord
from minidesk.commerce.registry import connector_for
from minidesk.db import utcnow
from minidesk.desk.customers import NAME_LENGTH, normalise
from minidesk.desk.models import IdentityKind, Message, Ticket
from minidesk.desk.workspace import get_workspace
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, ActorType, Event
from minidesk.policies.calendar import local_date
from minidesk.policies.pack import PolicyPack, get_pack
from minidesk.replies.locale import DEFAULT_LANGUAGE, supported
from minidesk.resolutions.items import order_named
from minidesk.resolutions.models import ResolutionState, Step
from minidesk.triage.flags import find_flags
from minidesk.triage.number_words import in_digits

if TYPE_CHECKING:
    from minidesk.resolutions.outcome import HeldReply

BOT = Actor(ActorType.AUTOMATION, name="resolutions")
# A number standing alone ("1042", "#1042", "(1042)", "1042," at a clause's end), not part
# of an amount ("1,042.50"), a date or a code.
BARE_NUMBER = re.compile(r"(?<![\w.,/-])#?(\d{3,20})(?![\w/-]|[.,]\d)")
# A reply this short ("1042", "YES REFUND", "ok") says nothing about the customer's language.
MIN_WORDS_FOR_LANGUAGE = 4
LANGUAGE = "language"


@dataclass
class Turn:
    session: Session
    ticket: Ticket
    message: Message
    state: ResolutionState
    pack: PolicyPack
    connector: CommerceConnector
    flags: frozenset[str]
    # The model's top in-scope label when its answer is "unknown" (None otherwise).
    best_guess: str | None
    channel: str
    sender_email: str | None
    sender_phone: str | None
    verified: bool
    customer: CustomerRecord | None
    timezone: str
    now: dt.datetime = field(default_factory=utcnow)
    # Replies held to go out as one message when two requests are answered together, and
    # the requests that closed meanwhile (one ``resolution.closed`` for the reply).
    held: list[HeldReply] | None = None
    closes: list[dict[str, str | None]] | None = None
    # The acting request beside a status question on the same order ("where is 1042? cancel
    # it"): the status answer then never reships (a reship and a cancel or refund of one
    # order undo each other, and neither request alone asked for both).
    reship_beside: str | None = None

    @property
    def intent(self) -> str:
        return self.message.intent or "unknown"

    @property
    def confidence(self) -> float:
        return self.message.intent_confidence or 0.0

    @functools.cached_property
    def body(self) -> str:
        """The customer's new text: history pasted below it ("On … wrote:", ``>`` lines) is
        left out, as the email channel leaves it out when a mail arrives. Read whole, an API
        message carrying an old thread acted on the orders and the token quoted in it
        (held-out set 10 reshipped a late order the new text did not mention)."""
        return strip_reply(self.message.text)[0]

    @functools.cached_property
    def text(self) -> str:
        """The subject and new text, sums in words as digits ("fifty dollars back" is read as
        "50 dollars back" by every pattern)."""
        subject = str(self.message.meta.get("subject") or "")
        return in_digits(f"{subject}\n{self.body}" if subject else self.body)

    @property
    def today(self) -> dt.date:
        return local_date(self.now, self.timezone)

    @functools.cached_property
    def customer_orders(self) -> list[OrderRecord]:
        """The verified customer's orders, newest first (none for anyone else)."""
        if not self.verified or self.customer is None:
            return []
        return self.connector.list_orders(self.customer.ref)

    @functools.cached_property
    def order_numbers(self) -> list[str]:
        """The orders this message is about, as the customer would mean them.

        Triage reads a number as an order number only with words like "order" or "#" around
        it; a bare number that is one of THIS customer's orders ("the stacking toy from
        10234", "bonsai kit (10234)") is that order too, and so is the bare answer to the
        bot's "which order?". Without a number, an item of exactly one of their orders
        named in the text ("where's my rug?") picks that order (``items.order_named``).
        """
        found = [
            number
            for number in (
                str(n).lstrip("#") for n in self.message.entities.get("order_numbers", [])
            )
            if number in self.body  # not one of the quoted history's
        ]
        bare = BARE_NUMBER.findall(self.body)
        if not found and self.state.step == Step.AWAITING_ORDER:
            # Whose order the answer is gets checked as for any other number.
            found = bare[:1]
        owned = {order.number for order in self.customer_orders}
        found += [n for n in bare if n in owned and n not in found]
        if not found:
            found = self._named_by_item()
        return found

    def _named_by_item(self) -> list[str]:
        number = order_named(self.text, self.customer_orders)
        return [number] if number else []

    @property
    def language(self) -> str:
        """The language replies go out in: what the conversation was written in so far."""
        return str(self.state.facts.get(LANGUAGE) or DEFAULT_LANGUAGE)

    @property
    def amounts(self) -> list[dict[str, Any]]:
        return list(self.message.entities.get("amounts", []))


def _triaged(session: Session, message: Message) -> tuple[frozenset[str], str | None]:
    """The flags and best guess triage recorded for this message (the flags recomputed if
    its event is missing)."""
    # Usually dispatched in the same batch as message.received: read it there, not again.
    triaged = events.in_batch(session, EventKind.MESSAGE_TRIAGED, message.id)
    if triaged is not None and triaged.ticket_id == message.ticket_id:
        data: dict[str, Any] | None = triaged.data
    else:
        data = session.scalars(
            select(Event.data).where(
                Event.ticket_id == message.ticket_id,
                Event.message_id == message.id,
                Event.kind == EventKind.MESSAGE_TRIAGED,
            )
        ).first()
    guess = data.get("best_guess") if data is not None else None
    if data is not None and "flags" in data:
        return frozenset(data["flags"]), guess
    text = f"{message.meta.get('subject') or ''}\n{message.text}"
    return frozenset(hit.flag for hit in find_flags(text)), guess


def sender_of(item: inbox.InboxItem | None) -> tuple[str | None, str | None, bool]:
    """The email and phone a message came from (normalised), and whether its channel
    vouched for them."""
    sender: dict[str, Any] = dict(item.payload.get("sender", {})) if item else {}
    email = normalise(IdentityKind.EMAIL, sender["email"]) if sender.get("email") else None
    phone = normalise(IdentityKind.PHONE, sender["phone"]) if sender.get("phone") else None
    return email, phone, bool(sender.get("verified"))


def build_turn(session: Session, ticket: Ticket, message: Message, state: ResolutionState) -> Turn:
    connector = connector_for(session)
    item = None
    if message.inbox_id is not None:
        item = session.get(inbox.InboxItem, message.inbox_id)
    # Verified means the channel vouched for this identity AND it is the one on file: the
    # store account is looked up by exactly the email/phone this message came from.
    email, phone, channel_vouches = sender_of(item)
    customer = None
    if email:
        customer = connector.find_customer(email=email)
    if customer is None and phone:
        customer = connector.find_customer(phone=phone)
    verified = channel_vouches and customer is not None
    if verified and customer is not None:
        _learn_name(session, ticket, customer)
    flags, best_guess = _triaged(session, message)
    turn = Turn(
        session=session,
        ticket=ticket,
        message=message,
        state=state,
        pack=get_pack(session),
        connector=connector,
        flags=flags,
        best_guess=best_guess,
        channel=message.channel,
        sender_email=email,
        sender_phone=phone,
        verified=verified,
        customer=customer,
        timezone=get_workspace(session).timezone,
    )
    _follow_language(turn)
    return turn


def _learn_name(session: Session, ticket: Ticket, account: CustomerRecord) -> None:
    """A customer who wrote without a display name takes the name of the store account that
    verified them, so replies greet them by it rather than "there". Called for verified
    senders only: to anyone else the account holder's name is not theirs to see."""
    customer = ticket.customer
    name = one_line(account.name, NAME_LENGTH)
    if customer.name or not name:
        return
    customer.name = name
    events.emit(
        session,
        EventKind.CUSTOMER_UPDATED,
        BOT,
        customer_id=customer.id,
        **events.changed({"name": ""}, {"name": name}),
    )


# Answers that are data, not words: an address ("77 Sunset Blvd, Los Angeles") or an order
# number tells no language, and "Los Angeles" turned an English conversation Spanish.
_DATA_ANSWERS = frozenset({Step.AWAITING_ADDRESS, Step.AWAITING_ORDER})


def _follow_language(turn: Turn) -> None:
    """Keep the conversation's language, switching only on a message long enough to tell,
    and never on the answer to a question for an address or an order."""
    detected = supported(turn.message.language)
    known = turn.state.facts.get(LANGUAGE)
    if known is not None and turn.state.step in _DATA_ANSWERS:
        return
    # Words of two letters or more: "Y E S REFUND" is one word, and "y", "e" read Spanish.
    words = [word for word in turn.body.split() if len(word) > 1]
    long_enough = len(words) >= MIN_WORDS_FOR_LANGUAGE
    if detected and (known is None or (long_enough and detected != known)):
        turn.state.facts = {**turn.state.facts, LANGUAGE: detected}
