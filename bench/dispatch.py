"""Dispatch benchmark: what the listeners cost per inbound message, on SQLite.

Builds a fresh database, runs N inbound API messages through the pipeline (``--batch`` at a
time, as a worker would) with their events held back, then dispatches each commit's events
with ``events.dispatch_many`` in one transaction, as the ``dispatch_events`` job does, and
then the events those listeners emitted (the cascade: tags, replies, status changes …).

    python bench/dispatch.py [--messages 1000] [--batch 1] [--store] [--profile out.prof]

``--store`` seeds the demo shop, its templates and example rules, and sends from its
customers (order numbers of their own); without it every sender is unknown to the store.
Prints JSON: CPU ms and SQL statements per message for the first dispatch and the cascade.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, bench/ comes first on sys.path and bench/email.py would shadow the standard
# library's ``email`` package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import argparse  # noqa: E402 (the sys.path fix above must run first)
import cProfile  # noqa: E402
import json  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

from sqlalchemy import event as sa_event  # noqa: E402
from sqlalchemy import func, select, update  # noqa: E402

from minidesk import db, events, inbox, jobs, migrate, pipeline, settings  # noqa: E402
from minidesk.channels.base import InboundMessage, Sender  # noqa: E402
from minidesk.events import SYSTEM, Event  # noqa: E402

TEXTS = [
    "Where is my order #{n}? It should have arrived by now.",
    "I want to cancel order {n}, please.",
    "Can I get the invoice for order #{n}?",
    "My package {n} arrived damaged, I want a refund.",
    "How do I change the delivery address on {n}?",
]


def senders(database: db.Database, count: int, store: bool) -> list[tuple[str, list[str]]]:
    """(email, order numbers) of each sender: the demo shop's customers, or strangers."""
    if not store:
        return [(f"bench{i}@example.com", [str(1000 + i)]) for i in range(count)]
    from minidesk.automation.defaults import do_seed_examples
    from minidesk.commerce.models import StoreCustomer, StoreOrder
    from minidesk.commerce.sample import seed_store
    from minidesk.replies.store import do_seed_defaults

    with database.transaction() as session:
        seed_store(session, db.utcnow())
        do_seed_defaults(session, SYSTEM)
        do_seed_examples(session, SYSTEM)
        owners = []
        for customer in session.scalars(select(StoreCustomer)):
            numbers = session.scalars(
                select(StoreOrder.number).where(StoreOrder.customer_id == customer.id)
            ).all()
            if numbers and customer.email:
                owners.append((customer.email, list(numbers)))
        return owners


def ingest(database: db.Database, count: int, batch: int, store: bool) -> list[list[int]]:
    """Process ``count`` messages; returns each pipeline commit's undispatched event ids."""
    people = senders(database, count, store)
    with database.transaction() as session:  # the setup's own events are not measured
        session.execute(update(Event).values(dispatched_at=db.utcnow()))
    groups: list[list[int]] = []
    last = 0
    for start in range(0, count, batch):
        ids = []
        for i in range(start, min(start + batch, count)):
            email, numbers = people[i % len(people)]
            message = InboundMessage(
                channel="api",
                external_id=f"bench-{i}",
                sender=Sender(email=email, verified=True),
                text=TEXTS[i % len(TEXTS)].format(n=numbers[i % len(numbers)]),
                thread_key=f"thread-{i}",  # a ticket each: every message is a first turn
            )
            ids.append(inbox.accept(message, db=database).inbox_id)
        pipeline.process_batch(ids, database)
        with database.sessions() as session:
            top = session.scalar(select(func.max(Event.id))) or 0
            groups.append(
                list(
                    session.scalars(
                        select(Event.id)
                        .where(Event.id > last, Event.id <= top, Event.dispatched_at.is_(None))
                        .order_by(Event.id)
                    )
                )
            )
        last = top
    return groups


def dispatch(database: db.Database, groups: list[list[int]]) -> None:
    for ids in groups:
        with database.transaction() as session:
            events.dispatch_many(session, ids)


def measure(workdir: Path, args: argparse.Namespace) -> dict[str, Any]:
    url = f"sqlite:///{workdir / 'dispatch.db'}"
    migrate.upgrade(url)
    config = settings.configure(
        settings.load_settings(
            database_url=url, secret_key="bench" * 8, queue_url="memory://", workers=0
        )
    )
    database = db.configure(url)
    jobs.configure(config)  # a queue nobody consumes: committed events wait for us
    groups = ingest(database, args.messages, args.batch, args.store)
    statements = [0]

    def count(*_: Any) -> None:
        statements[0] += 1

    sa_event.listen(database.engine, "before_cursor_execute", count)
    profiler = cProfile.Profile() if args.profile else None
    if profiler is not None:
        profiler.enable()
    started = time.process_time()
    dispatch(database, groups)
    first_cpu, first_statements = time.process_time() - started, statements[0]
    with database.sessions() as session:
        cascade = list(
            session.scalars(
                select(Event.id).where(Event.dispatched_at.is_(None)).order_by(Event.id)
            )
        )
    started = time.process_time()
    # The listeners' own events, as many per job as one message's listeners emit together.
    per_job = max(1, len(cascade) // max(1, args.messages)) * args.batch
    dispatch(database, [cascade[i : i + per_job] for i in range(0, len(cascade), per_job)])
    cascade_cpu = time.process_time() - started
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(args.profile)
    database.dispose()
    n = args.messages
    return {
        "messages": n,
        "batch": args.batch,
        "store": args.store,
        "events": sum(map(len, groups)),
        "cpu_ms_per_message": round(first_cpu * 1000 / n, 2),
        "statements_per_message": round(first_statements / n, 1),
        "cascade_events": len(cascade),
        "cascade_cpu_ms_per_message": round(cascade_cpu * 1000 / n, 2),
        "cascade_statements_per_message": round((statements[0] - first_statements) / n, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=1, help="messages per pipeline commit")
    parser.add_argument("--store", action="store_true", help="demo shop customers and rules")
    parser.add_argument("--profile", help="write cProfile stats of the dispatch here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        print(json.dumps(measure(Path(scratch), args), indent=2))


if __name__ == "__main__":
    main()
