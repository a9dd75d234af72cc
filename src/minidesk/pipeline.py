"""Processing inbox rows: customer → ticket → message → triage → events, in one transaction.

Rows are claimed inside the transaction that processes them (see ``inbox.claim``), so each is
processed exactly once however many workers or retries race for it, and a crash part-way
leaves the rows pending with nothing half-written.

Workers process rows in batches: one triage call and one transaction for many messages, which
is what makes hundreds of messages a second possible on SQLite's single writer. Each message
runs in its own savepoint, so one that fails is recorded and retried later without holding
back the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from minidesk import features, inbox, inbox_store
from minidesk.channels.base import InboundMessage
from minidesk.db import Database, get_db, urgent
from minidesk.desk import customers, tickets
from minidesk.desk.inbound import Inbound, insert_inbound, record_inbound
from minidesk.desk.models import OPEN_STATUSES, Customer, Priority, Ticket
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, ActorType, deferred, record
from minidesk.triage import TriageResult, active_model, analyse_many
from minidesk.triage.courtesy import is_acknowledgement

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Two workers creating the same new customer at once collide on the identity's unique key;
# the loser runs that message again (in a fresh savepoint) and finds the winner's row.
RACE_RETRIES = 3
# What a worker takes on in one transaction: big enough to amortise the commit and the
# model call, small enough that SQLite's write lock is never held for long.
BATCH_SIZE = 64


@dataclass(frozen=True)
class Processed:
    ticket_id: int
    message_id: int
    created_ticket: bool


def process(
    inbox_id: int, db: Database | None = None, message: InboundMessage | None = None
) -> Processed | None:
    """Process one inbox row; None if it was not pending (already done, or parked).

    A caller that just accepted the row passes its ``message`` to save reading it back. If
    processing fails the failure is recorded on the row (it stays pending until
    ``MAX_ATTEMPTS``) and the exception propagates.
    """
    known = {inbox_id: message} if message is not None else {}
    return _process_many(db or get_db(), [inbox_id], known, raise_errors=True).get(inbox_id)


def process_batch(
    inbox_ids: Sequence[int],
    db: Database | None = None,
    triaged: Callable[[], None] | None = None,
) -> dict[int, Processed]:
    """Process the pending rows among ``inbox_ids`` in one transaction; what each produced.

    A message that fails is recorded on its row and left for a later attempt; the others
    are committed all the same. ``triaged`` is called once a chunk's rows are read and
    triaged, before its write (a drainer lets its next batch gather from then on).
    """
    db = db or get_db()
    done: dict[int, Processed] = {}
    for start in range(0, len(inbox_ids), BATCH_SIZE):
        chunk = inbox_ids[start : start + BATCH_SIZE]
        done.update(_process_many(db, chunk, {}, raise_errors=False, triaged=triaged))
    return done


@dataclass(frozen=True)
class _Item:
    inbox_id: int
    message: InboundMessage
    reading: TriageResult


def _process_many(
    db: Database,
    inbox_ids: Sequence[int],
    known: Mapping[int, InboundMessage],
    *,
    raise_errors: bool,
    triaged: Callable[[], None] | None = None,
) -> dict[int, Processed]:
    store = inbox_store.store_of(db)
    taken = store.take_batch(inbox_ids)
    messages = {
        inbox_id: known.get(inbox_id) or inbox.from_payload(payload)
        for inbox_id, payload in taken.payloads.items()
    }
    if not messages and not taken.moving:
        return {}
    readings = _readings(messages, taken.payloads)
    batch = _Batch(
        [_Item(inbox_id, message, readings[inbox_id]) for inbox_id, message in messages.items()],
        store,
        taken,
    )
    if triaged is not None:
        triaged()
    for attempt in range(RACE_RETRIES):
        try:
            # Requests wait for this batch: it goes before listener batches queued for the
            # write lock (``db.urgent``).
            with urgent():
                done, failed = _write(db, batch)
        except OperationalError as exc:
            # The database itself failed (locked too long, connection lost): nothing of
            # this batch was committed, so it can simply run again.
            if attempt + 1 < RACE_RETRIES:
                log.info("inbox batch of %d: retrying after %s", len(batch.items), exc)
                continue
            log.exception("inbox batch of %d failed; the sweep will retry it", len(batch.items))
            if raise_errors:
                raise
            return {}
        if failed is not None and raise_errors:
            raise failed
        return done
    return {}


def _readings(
    messages: Mapping[int, InboundMessage], payloads: Mapping[int, Mapping[str, object]]
) -> dict[int, TriageResult]:
    """What triage reads of each message: the reading its accepting process took (the web
    processes read what they accept, in parallel, while this worker is the one writer), if
    the model that took it is still the active one; else read here, all in one call."""
    readings: dict[int, TriageResult] = {}
    active = _active_version()
    for inbox_id in messages:
        kept = payloads.get(inbox_id, {}).get(inbox.READING)
        if isinstance(kept, dict) and kept.get("model_version") == active:
            readings[inbox_id] = TriageResult.from_json(kept)
    unread = [inbox_id for inbox_id in messages if inbox_id not in readings]
    # Reading the texts is pure CPU; done before taking the write lock, not while holding it.
    fresh = analyse_many([(messages[i].text, messages[i].subject) for i in unread])
    readings.update(zip(unread, fresh, strict=True))
    return readings


def _active_version() -> str | None:
    try:
        return active_model().version
    except Exception:  # a broken model: ``analyse_many`` reads without it, and says so
        return None


@dataclass(frozen=True)
class _Batch:
    items: list[_Item]
    store: inbox_store.InboxStore
    taken: inbox_store.Batch  # what the store moves into the inbox table (pending or not)


def _write(db: Database, batch: _Batch) -> tuple[dict[int, Processed], Exception | None]:
    """The whole batch in one go; if any message fails, again one savepoint per message.
    Returns what was processed and the last failure (already recorded on its row)."""
    try:
        with db.transaction() as session, session.no_autoflush:
            won = batch.store.claim(session, batch.taken, [item.inbox_id for item in batch.items])
            done = _process_together(session, [i for i in batch.items if i.inbox_id in won])
            _record_outcomes(session, done)
        batch.store.committed()
        return done, None
    except OperationalError:
        raise
    except Exception as exc:
        log.info("inbox batch of %d failed (%r); isolating its messages", len(batch.items), exc)
    return _write_isolated(db, batch)


def _write_isolated(db: Database, batch: _Batch) -> tuple[dict[int, Processed], Exception | None]:
    done: dict[int, Processed] = {}
    failed: Exception | None = None
    with db.transaction() as session, session.no_autoflush:
        won = batch.store.claim(session, batch.taken, [item.inbox_id for item in batch.items])
        for item in batch.items:
            if item.inbox_id not in won:
                continue
            try:
                done[item.inbox_id] = _process_alone(session, item)
            except OperationalError:
                raise
            except Exception as exc:
                log.exception("inbox %s failed", item.inbox_id)
                error = f"{type(exc).__name__}: {exc}"
                inbox.record_failure(session, item.inbox_id, error, MAX_ATTEMPTS)
                failed = exc
        _record_outcomes(session, done)
    batch.store.committed()
    return done, failed


def _record_outcomes(session: Session, done: Mapping[int, Processed]) -> None:
    inbox.record_outcomes(session, {i: (p.ticket_id, p.message_id) for i, p in done.items()})


def _process_alone(session: Session, item: _Item) -> Processed:
    """One message in its own savepoint: a failure undoes just this message's work."""
    attempts = 0
    while True:
        try:
            with session.begin_nested():
                return _process_together(session, [item])[item.inbox_id]
        except IntegrityError:
            attempts += 1
            if attempts == RACE_RETRIES:
                raise
            log.info("inbox %s: lost a race for a new row; running it again", item.inbox_id)


def _process_together(session: Session, items: list[_Item]) -> dict[int, Processed]:
    """Customer, ticket and message for each item, in order, with a handful of queries for
    the whole batch: customers and their open tickets are looked up once, up front, and the
    messages are inserted in one flush."""
    if not items:
        return {}
    # The batch's events go in as one INSERT at the end (``record``): nothing here reads them.
    with deferred(session):
        return _customer_ticket_message(session, items)


def _customer_ticket_message(session: Session, items: list[_Item]) -> dict[int, Processed]:
    identified = customers.identify_many(session, [item.message.sender for item in items])
    found = identified.customers
    families = customers.merged_families(session, {customer.id for customer, _ in found})
    open_tickets = tickets.latest_open_tickets(
        session, [i for family in families.values() for i in family]
    )
    recorded: list[tuple[_Item, Actor, _Threaded, Inbound]] = []
    for item, (customer, new_customer) in zip(items, found, strict=True):
        actor = Actor(ActorType.CUSTOMER, customer.id, customer.name)
        if new_customer:
            record(
                session,
                EventKind.CUSTOMER_CREATED,
                actor,
                customer_id=customer.id,
                channel=item.message.channel,
            )
        if _looks_up(item.message):
            # ``_thread`` finds these signals' tickets by query: this batch's earlier
            # messages must be in the database for it (a reply to a mail of a moment ago).
            insert_inbound(session, [row for *_, row in recorded])
        threaded = _thread(session, customer, item, families[customer.id], open_tickets, actor)
        ticket, reading = threaded.ticket, item.reading
        row = record_inbound(
            session,
            ticket,
            customer,
            item.message,
            item.inbox_id,
            intent=reading.intent,
            intent_confidence=reading.intent_confidence,
            sentiment=reading.sentiment,
            sentiment_score=reading.sentiment_score,
            language=reading.language,
            entities=reading.entities,
            triage_model=reading.model_version,
        )
        # Before the flush, so a new ticket is inserted with triage's reading and an existing
        # one updated once (``_triage`` records the events once ids are known).
        _read_into(ticket, reading, threaded.created)
        if ticket.status in OPEN_STATUSES:  # now its customer's most recent open ticket
            open_tickets[ticket.customer_id] = ticket
        recorded.append((item, actor, threaded, row))
    # New tickets and messages get their ids for the events: the flush inserts the customers
    # and tickets, one statement per table instead of one per row (``batch_ids``), then the
    # messages go in as one Core statement (``desk.inbound``); new identities after them.
    insert_inbound(session, [row for *_, row in recorded])
    customers.attach_identities(session, identified.identities)
    done: dict[int, Processed] = {}
    for item, actor, threaded, row in recorded:
        ticket = threaded.ticket
        if threaded.announce:
            tickets.announce_ticket(session, ticket, item.message, actor, threaded.follow_up_of)
        _triage(session, ticket, row, item.reading, threaded.created)
        record(
            session,
            EventKind.MESSAGE_RECEIVED,
            actor,
            ticket_id=ticket.id,
            customer_id=ticket.customer_id,
            message_id=row.id,
            channel=item.message.channel,
            new_ticket=threaded.created,
        )
        assert row.id is not None  # inserted above
        done[item.inbox_id] = Processed(ticket.id, row.id, threaded.created)
    return done


def _looks_up(message: InboundMessage) -> bool:
    """Whether ``_thread`` looks the message's ticket up by query (its own test)."""
    return bool(
        message.reply_to_external_ids or message.ticket_hint is not None or message.thread_key
    )


@dataclass(frozen=True)
class _Threaded:
    ticket: Ticket
    created: bool = False
    announce: bool = False  # opened here: record ticket.created once the batch has flushed
    follow_up_of: Ticket | None = None


def _thread(
    session: Session,
    customer: Customer,
    item: _Item,
    family: list[int],
    open_tickets: Mapping[int, Ticket],
    actor: Actor,
) -> _Threaded:
    """The ticket the message belongs on: continued, reopened or new; or, when a feature's
    inbound hook claims it (a survey answer), the ticket that hook names, as it stands."""
    message = item.message
    if message.reply_to_external_ids or message.ticket_hint is not None or message.thread_key:
        # These signals are looked up by query; earlier messages of this batch must be
        # visible to it (a reply to a mail received a moment ago, a chat's second line).
        session.flush()
    ticket = tickets.find_thread_ticket(session, customer, message, family, open_tickets)
    for hook in features.inbound_hooks():
        kept = hook(session, family, message, item.reading)
        if kept is not None:
            return _Threaded(kept)
    follow_up_of: Ticket | None = None
    if ticket is not None:
        continued = tickets.continue_or_follow_up(
            session, ticket, message, actor, reopen=not is_acknowledgement(message.text)
        )
        if continued is not None:
            return _Threaded(continued)
        follow_up_of = ticket
    if message.thread_key:
        # Pinned at once, so the conversation's next line in this batch finds it.
        new = tickets.do_create_ticket(session, customer, message, actor, follow_up_of)
        return _Threaded(new, created=True)
    new = tickets.open_ticket(session, customer, message, follow_up_of)
    return _Threaded(new, created=True, announce=True, follow_up_of=follow_up_of)


def _read_into(ticket: Ticket, result: TriageResult, new_ticket: bool) -> None:
    """Store what triage read on the ticket (the message row already carries it)."""
    # The ticket's intent is what the conversation is about: set by its first message (or
    # an agent's correction), not overwritten by "thanks!" on the third turn.
    if new_ticket or ticket.intent is None:
        ticket.intent, ticket.intent_confidence = result.intent, result.intent_confidence
    ticket.sentiment, ticket.sentiment_score = result.sentiment, result.sentiment_score
    ticket.language = ticket.language or result.language


def _triage(
    session: Session, ticket: Ticket, row: Inbound, result: TriageResult, new_ticket: bool
) -> None:
    """Record what triage concluded (``_read_into`` stored it), and raise the ticket's
    priority if it says so."""
    system = Actor(ActorType.AUTOMATION, name="triage")
    record(
        session,
        EventKind.MESSAGE_TRIAGED,
        system,
        ticket_id=ticket.id,
        customer_id=ticket.customer_id,
        message_id=row.id,
        intent=result.intent,
        confidence=round(result.intent_confidence, 4),
        sentiment=result.sentiment,
        sentiment_score=round(result.sentiment_score, 3),
        language=result.language,
        entities=result.entities,
        priority=result.priority,
        reasons=result.priority_reasons,
        flags=sorted(result.flags),
        model=result.model_version,
        best_guess=result.extra.get("best_guess"),
    )
    # Triage only ever raises urgency; lowering it is a human decision.
    if new_ticket or Priority(result.priority) < Priority(ticket.priority):
        tickets.do_set_priority(
            session, ticket, Priority(result.priority), system, reasons=result.priority_reasons
        )
