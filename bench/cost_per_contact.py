"""Cost per contact benchmark (docs/metrics.md): the operations benchmark's tickets (bench/
ops_reports.py: tickets over 90 days, events, rollup rows, handle time) plus what this report
also reads: one to three customer messages per ticket (``message.received`` events, the first at
creation) and, on SMS and WhatsApp tickets, one or two outbound messages. Times cost per contact
over the 90 days by all, team and intent ``--runs`` times, and handle time by intent (a part of
it) in the same runs for a ratio that holds on a loaded machine; prints JSON.

    python bench/cost_per_contact.py [--tickets 100000] [--runs 5] [--database-url postgresql://...]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, bench/ comes first on sys.path and bench/email.py would shadow the standard
# library's ``email`` package; ops_reports is loaded from its file below instead.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import datetime as dt  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

from sqlalchemy import insert, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from minidesk import db  # noqa: E402
from minidesk.desk.models import Message, Ticket  # noqa: E402
from minidesk.events import Event  # noqa: E402
from minidesk.insights.cost_models import CostSettings  # noqa: E402
from minidesk.insights.costs import cost_per_contact  # noqa: E402
from minidesk.insights.handle_time import handle_time  # noqa: E402
from minidesk.insights.kpis import Dimension  # noqa: E402

_spec = importlib.util.spec_from_file_location(
    "ops_bench", Path(__file__).with_name("ops_reports.py")
)
assert _spec is not None and _spec.loader is not None
ops = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ops)

PRICES = CostSettings(id=1, currency="EUR", agent_hour=3000, tooling_month=500_000,
                      sms_message=8, whatsapp_message=5)  # fmt: skip
SINCE, UNTIL = ops.START.date(), (ops.END - dt.timedelta(days=1)).date()


def contacts_and_messages(database: db.Database, seed: int) -> tuple[int, int]:
    """Customer messages on every ticket, outbound ones on SMS and WhatsApp tickets."""
    rng = random.Random(seed)
    received = sent = 0
    with database.sessions() as session:
        tickets = session.execute(
            select(Ticket.id, Ticket.channel, Ticket.customer_id, Ticket.created_at)
        ).all()
    for start in range(0, len(tickets), ops.CHUNK):
        events, messages = [], []
        for ticket_id, channel, customer, created in tickets[start : start + ops.CHUNK]:
            for n in range(rng.randrange(1, 4)):
                at = created + dt.timedelta(hours=n * rng.randrange(1, 30))
                events.append({"kind": "message.received", "ticket_id": ticket_id,
                               "customer_id": customer, "actor_type": "customer",
                               "actor_name": "bench", "automated": False,
                               "data": {"channel": channel, "new_ticket": n == 0},
                               "created_at": at, "dispatched_at": at})  # fmt: skip
            if channel in ("sms", "whatsapp"):
                messages += [{"ticket_id": ticket_id, "direction": "outbound", "channel": channel,
                              "text": "bench", "created_at": created + dt.timedelta(minutes=10 + n)}
                             for n in range(rng.randrange(1, 3))]  # fmt: skip
        with database.transaction() as session:
            session.execute(insert(Event), events)
            session.execute(insert(Message), messages)
        received, sent = received + len(events), sent + len(messages)
    return received, sent


REPORTS: dict[str, Callable[[Session], Any]] = {
    "cost_per_contact_90_days_all": lambda s: cost_per_contact(s, SINCE, UNTIL, Dimension.ALL,
                                                               PRICES),
    "cost_per_contact_90_days_by_team": lambda s: cost_per_contact(s, SINCE, UNTIL,
                                                                   Dimension.TEAM, PRICES),
    "cost_per_contact_90_days_by_intent": lambda s: cost_per_contact(s, SINCE, UNTIL,
                                                                     Dimension.INTENT, PRICES),
    "handle_time_90_days_by_intent": lambda s: handle_time(s, SINCE, UNTIL, Dimension.INTENT),
}  # fmt: skip


def main() -> None:
    args = ops.arguments(__doc__.splitlines()[0])
    with tempfile.TemporaryDirectory() as directory:
        url, database = ops.open_database(directory, args.database_url)
        started = time.perf_counter()
        ops.build(database, args.tickets, args.seed)
        received, sent = contacts_and_messages(database, args.seed)
        build_s = time.perf_counter() - started
        timings: dict[str, list[float]] = {name: [] for name in REPORTS}
        sizes: dict[str, int] = {}
        with database.sessions() as session:
            # Interleaved, so a burst of load on the machine hits every report alike.
            for _ in range(args.runs):
                for name, report in REPORTS.items():
                    began = time.perf_counter()
                    sizes[name] = len(report(session))
                    timings[name].append((time.perf_counter() - began) * 1000)
        results = {name: {"ms_p50": round(statistics.median(t), 1), "ms_max": round(max(t), 1),
                          "rows": sizes[name]} for name, t in timings.items()}  # fmt: skip
        base = results["handle_time_90_days_by_intent"]["ms_p50"] or 1.0
        print(json.dumps({
            "database": url.split(":", 1)[0], "tickets": args.tickets,
            "messages_received": received, "messages_sent": sent,
            "build_seconds": round(build_s, 1), "runs": args.runs, "reports": results,
            "by_intent_over_handle_time": round(
                results["cost_per_contact_90_days_by_intent"]["ms_p50"] / base, 2),
            "load_average": [round(x, 2) for x in os.getloadavg()],
        }))  # fmt: skip


if __name__ == "__main__":
    main()
