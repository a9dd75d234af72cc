"""A request that acts beside one that only reads: "please cancel order 1042 and send me the
invoice for 1038", "refund my damaged mug from 1042, and where is my other order?".

Which requests such a message makes, and which order each is about. The read-only ones
(where the parcel is, the invoice) run first and the acting one last: the read-only answers
are final, while the acting flow may end in a question ("Reply YES REFUND", "which order?",
the new address) that the customer's next message answers, so its question closes the
reply and its state is the conversation's. Two acting requests stay a person's
(``requests.several``), and so does a message whose requests cannot each be given an order.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from minidesk.resolutions.framing import asked_for
from minidesk.resolutions.late_words import PARCEL, WHERE, is_late
from minidesk.resolutions.words import ASKS, OTHER, SEND_ME, clauses
from minidesk.triage import taxonomy

STATUS, INVOICE = taxonomy.ORDER_STATUS, taxonomy.INVOICE
# Flows that act on an order (money, the order itself, or the address it goes to).
ACTING = frozenset(
    {taxonomy.REFUND, taxonomy.CANCEL_ORDER, taxonomy.RETURN, taxonomy.ADDRESS_CHANGE}
)
# The read-only requests that may run beside one of them, in the order they are answered.
READ_ONLY = (STATUS, INVOICE)
DIGITS = re.compile(r"\d{3,20}")


@dataclass(frozen=True)
class Part:
    """One request of the message: its flow and the order it is about (None: the flow finds
    it as it would alone, the only order on file or its "which order?")."""

    flow: str
    order: str | None


def asks_where(clause: str) -> bool:
    """The clause asks where a parcel is, and nothing else."""
    return bool(
        is_late(clause) and PARCEL.search(clause) and WHERE.search(clause)
    ) and not asked_for(clause)


def asks_invoice(clause: str) -> bool:
    """The clause asks to be sent an invoice, and acts on nothing."""
    return bool(ASKS[INVOICE].search(clause) and SEND_ME.search(clause)) and not (
        asked_for(clause) & ACTING
    )


def requests_beside(text: str, asked: set[str]) -> tuple[str, ...]:
    """The flows to run together when ``asked`` (the actions named in ``text``) holds one
    acting request and a clause of its own asks where a parcel is or for an invoice: the
    read-only ones first, the acting one last. () when the message is not such a pair."""
    acting = asked & ACTING
    if len(acting) != 1 or asked - acting - {INVOICE}:
        return ()
    said = clauses(text)
    reading = [STATUS] if any(asks_where(clause) for clause in said) else []
    if INVOICE in asked:
        if not any(asks_invoice(clause) for clause in said):
            return ()  # the invoice mentioned, not asked for: a person reads it
        reading.append(INVOICE)
    return (*reading, *acting) if reading else ()


def _about(clause: str, flow: str) -> bool:
    """The clause is about ``flow``'s request (looser than asking it: the pair is already
    chosen, this only tells which clauses are whose)."""
    if flow == STATUS:
        return bool(is_late(clause) and PARCEL.search(clause)) and not asked_for(clause)
    if flow == INVOICE:
        return bool(ASKS[INVOICE].search(clause)) and not asked_for(clause) & ACTING
    return flow in asked_for(clause)


def assign_orders(
    text: str, flows: Sequence[str], named: Sequence[str], owned: Sequence[str]
) -> list[Part] | None:
    """Each request of ``flows`` with its order: the order its clauses name; else, when the
    message names one order, that one ("cancel 1042 and send me its invoice"), or for "my
    other order" the customer's one order besides it. None when that cannot be told (two
    orders in one request's clauses, several named and none in a request's own, an "other
    order" among several): a person reads it, nothing runs."""
    said: dict[str, list[str]] = {flow: [] for flow in flows}
    current: str | None = None
    pending: list[str] = []  # clauses before the first request ("Hi, about my orders")
    for clause in clauses(text):
        asking = [flow for flow in flows if _about(clause, flow)]
        if len(asking) > 1:
            return None  # one clause asks two things: whose order is whose is a guess
        if asking:
            current = asking[0]
            said[current] += pending
            pending = []
        if current is None:
            pending.append(clause)
        else:
            said[current].append(clause)
    named_set = set(named)
    parts: list[Part] = []
    for flow in flows:
        if not said[flow]:
            return None
        each = [[n for n in DIGITS.findall(clause) if n in named_set] for clause in said[flow]]
        numbers = list(dict.fromkeys(n for found in each for n in found))
        other = any(OTHER.search(clause) for clause in said[flow])
        if flow in READ_ONLY and len(numbers) > 1:
            # "where are 1041 and 1042? and send me the invoice": a read-only request on
            # several orders listed clause by clause reads each, as it would alone
            # (``on_each_order``); two in one clause ("1041 or 1042?") are a choice.
            if any(len(set(found)) > 1 for found in each):
                return None
            parts += [Part(flow, number) for number in numbers]
            continue
        if flow in READ_ONLY and not numbers and not other and len(named_set) > 1:
            # A read-only clause naming no order of its own ("... and send me the invoice"
            # after "where are 1041 and 1042?") reads every order the message lists (an
            # "or" between them already went to a person above).
            parts += [Part(flow, number) for number in dict.fromkeys(named)]
            continue
        if len(numbers) > 1:
            return None
        if numbers:
            parts.append(Part(flow, numbers[0]))
        elif other:
            rest = [number for number in owned if number not in named_set]
            if not named_set or len(rest) != 1:
                return None
            parts.append(Part(flow, rest[0]))
        elif len(named_set) > 1:
            return None
        else:
            parts.append(Part(flow, next(iter(named_set), None)))
    return parts


def on_each_order(flow: str, named: Sequence[str], owned: Collection[str]) -> list[Part] | None:
    """One request on several of the customer's own orders ("send me the invoices for 1041
    and 1042", "where are 1041 and 1042?"): a part per order, or None when it names fewer
    than two of them. Run alone, the flow took the first order and the rest were dropped
    unseen, while the reply read as done ("cancel 1041 and 1042" cancelled 1041 alone)."""
    mine = list(dict.fromkeys(number for number in named if number in owned))
    return [Part(flow, number) for number in mine] if len(mine) > 1 else None
