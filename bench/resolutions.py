"""Replay customer conversations through the whole desk and measure the resolution flows.

    python bench/resolutions.py                      # bench/conversations.yaml (default)
    python bench/resolutions.py --set bitext [--datasets DIR] [--per-intent 30] [--seed 5]

``conversations``: our own multi-turn conversations in English, Spanish, German, French and
Portuguese (bench/conversations.yaml), each with the store actions POLICIES.md allows and
whether the policy lets the bot finish it alone. Each conversation's customer gets a fresh set
of orders in every state, imported through the store import. Prints one JSON object: share
of automatable conversations finished without a person (and per language), share finished
in <= 3 customer turns, wrong actions (must be 0), hand-offs by reason.

``bitext``: Bitext's customer-support set (bitext-llm-6.5k), each message's order id replaced
by an order of the sending demo customer. Password requests arrive by email, the rest through
the API channel. When the bot asks (refund token, new address, which order), the
customer answers as a real one would. Prints one JSON object: share closed automatically,
share closed in <= 3 turns, wrong automatic actions (must be 0), and inbound-to-automatic-
reply latency (p50, p99) on SQLite.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, bench/ comes first on sys.path and bench/email.py would shadow the standard
# library's ``email`` package (imported by SQLAlchemy through importlib.metadata).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import argparse  # noqa: E402 (the sys.path fix above must run first)
import csv  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from typing import Any  # noqa: E402

from sqlalchemy import select  # noqa: E402

from minidesk import db, inbox, jobs, migrate, pipeline, settings  # noqa: E402
from minidesk.channels.base import InboundMessage, Sender  # noqa: E402
from minidesk.commerce.models import StoreCustomer, StoreOperation, StoreOrder  # noqa: E402
from minidesk.commerce.sample import seed_store  # noqa: E402
from minidesk.db import utcnow  # noqa: E402
from minidesk.desk.models import Direction, Message, Ticket  # noqa: E402
from minidesk.events import Event  # noqa: E402
from minidesk.resolutions.models import ResolutionState, Step  # noqa: E402
from minidesk.triage.build_default import default_datasets_dir  # noqa: E402

# The action each Bitext intent may legitimately lead to; any other action is wrong.
ALLOWED = {
    "track_order": {"reship"},
    "delivery_period": {"reship"},
    "get_refund": {"refund"},
    "cancel_order": {"cancel"},
    "change_shipping_address": {"change_address"},
    "get_invoice": {"invoice"},
    "check_invoice": {"invoice"},
    "recover_password": {"password_reset"},
}
CORPUS_INTENTS = [
    *ALLOWED,
    "contact_human_agent",
    "complaint",
    "track_refund",
    "payment_issue",
    "check_refund_policy",
    "change_order",
    "review",
]
ANSWERS = {
    Step.AWAITING_TOKEN: "YES REFUND",
    Step.AWAITING_ADDRESS: "12 Oak Road, Leeds, LS1 4AB, UK",
}


def corpus(datasets: Path, per_intent: int, rng: random.Random) -> list[dict[str, str]]:
    path = datasets / "bitext-llm-6.5k" / "Bitext_Sample_Customer_Support_Training_Dataset.csv"
    with path.open(encoding="utf-8") as file:
        rows = [r for r in csv.DictReader(file) if r["intent"] in CORPUS_INTENTS]
    picked: list[dict[str, str]] = []
    for intent in CORPUS_INTENTS:
        of_intent = [r for r in rows if r["intent"] == intent]
        picked += rng.sample(of_intent, min(per_intent, len(of_intent)))
    rng.shuffle(picked)
    return picked


def fill(row: dict[str, str], number: str) -> str:
    text = row["instruction"]
    if row["entity_type"] == "order_id" and row["start_offset"].isdigit():
        start, end = int(row["start_offset"]), int(row["end_offset"])
        return f"{text[:start]}{number}{text[end:]}"
    return text


def say(channel: str, email: str, text: str, key: str, thread: str) -> tuple[int, float]:
    message = InboundMessage(
        channel=channel,
        external_id=key,
        text=text,
        subject="Help" if channel == "email" else "",
        thread_key=thread if channel == "api" else None,
        sender=Sender(email=email, verified=True),
    )
    started = time.perf_counter()
    accepted = inbox.accept(message)
    pipeline.process(accepted.inbox_id)  # listeners run inline: jobs are immediate here
    elapsed = (time.perf_counter() - started) * 1000
    ticket_id = inbox.status_of(accepted.inbox_id).ticket_id
    assert ticket_id is not None
    return ticket_id, elapsed


def replay(datasets: Path, per_intent: int, seed: int, workdir: Path) -> dict[str, Any]:
    url = f"sqlite:///{workdir / 'bench.db'}"
    migrate.upgrade(url)
    config = settings.configure(
        settings.load_settings(
            database_url=url, secret_key="bench" * 8, queue_url="memory://", workers=0
        )
    )
    database = db.configure(config.database_url)
    jobs.configure(config, immediate=True)
    rng = random.Random(seed)
    with database.transaction() as session:
        seed_store(session, utcnow())
        owners = [
            (
                c.email,
                [
                    o.number
                    for o in session.scalars(
                        select(StoreOrder).where(StoreOrder.customer_id == c.id)
                    )
                ],
            )
            for c in session.scalars(select(StoreCustomer))
        ]
    owners = [(email, numbers) for email, numbers in owners if numbers and email]
    rows = corpus(datasets, per_intent, rng)
    latencies: list[float] = []
    labels: dict[int, tuple[str, str, list[str]]] = {}
    for index, row in enumerate(rows):
        email, numbers = rng.choice(owners)
        channel = "email" if row["intent"] == "recover_password" else "api"
        number = rng.choice(numbers)
        ticket_id, ms = say(channel, email, fill(row, number), f"b{index}-0", f"t{index}")
        labels[ticket_id] = (row["intent"], email, numbers)
        for turn in range(1, 3):
            with database.sessions() as session:
                state = session.get(ResolutionState, ticket_id)
                step = state.step if state else None
                answered = _automated_reply(session, ticket_id)
            if answered:
                latencies.append(ms)
            answer = ANSWERS.get(step) or (number if step == Step.AWAITING_ORDER else None)
            if answer is None:
                break
            ticket_id, ms = say(channel, email, answer, f"b{index}-{turn}", f"t{index}")
    return _measure(database, labels, latencies)


def _automated_reply(session: Any, ticket_id: int) -> bool:
    last = session.scalars(
        select(Message).where(Message.ticket_id == ticket_id).order_by(Message.id.desc()).limit(1)
    ).first()
    return bool(last and last.direction == Direction.OUTBOUND and last.automated)


def _measure(
    database: db.Database, labels: dict[int, tuple[str, str, list[str]]], latencies: list[float]
) -> dict[str, Any]:
    wrong: list[dict[str, Any]] = []
    with database.sessions() as session:
        tickets = {t.id: t for t in session.scalars(select(Ticket).where(Ticket.id.in_(labels)))}
        for event in session.scalars(select(Event).where(Event.kind.startswith("commerce."))):
            intent, _email, numbers = labels[event.ticket_id or 0]
            kind = event.kind.removeprefix("commerce.")
            order = event.data.get("order_number")
            if kind not in ALLOWED.get(intent, set()) or (order and order not in numbers):
                wrong.append({"ticket": event.ticket_id, "intent": intent, "action": kind})
        actions = len(list(session.scalars(select(StoreOperation.id))))
        handed_off = {
            event.ticket_id: str(event.data.get("rule"))
            for event in session.scalars(
                select(Event).where(Event.kind == "resolution.handed_off").order_by(Event.id)
            )
        }
    auto = [t for t in tickets.values() if t.resolution == "auto"]
    within = [t for t in auto if t.turns <= 3]
    with_flow = [t for t in tickets.values() if labels[t.id][0] in ALLOWED]
    auto_with_flow = [t for t in with_flow if t.resolution == "auto"]
    # Why messages were handed to a person, split by whether their intent has a flow at all:
    # the first group is the containment that is left to win.
    reasons: dict[str, Counter[str]] = {"with_flow": Counter(), "without_flow": Counter()}
    for ticket_id, rule in handed_off.items():
        group = "with_flow" if labels[ticket_id][0] in ALLOWED else "without_flow"
        reasons[group][rule] += 1
    ordered = sorted(latencies)
    return {
        "tickets": len(tickets),
        "closed_automatically": round(len(auto) / len(tickets), 3),
        "closed_automatically_with_flow": round(len(auto_with_flow) / max(len(with_flow), 1), 3),
        "closed_within_3_turns": round(len(within) / len(tickets), 3),
        "automatic_actions": actions,
        "wrong_automatic_actions": len(wrong),
        "wrong": wrong[:10],
        "handoff_reasons": {group: dict(c.most_common()) for group, c in reasons.items()},
        "reply_ms_p50": round(statistics.median(ordered), 1) if ordered else None,
        "reply_ms_p99": round(ordered[int(0.99 * (len(ordered) - 1))], 1) if ordered else None,
    }


# -- our own conversations ------------------------------------------------------------------

CONVERSATIONS = Path(__file__).with_name("conversations.yaml")
# Each conversation's customer has one order per role: (items, total, state, days) where
# days is: delivered → days ago; transit/late → days until (-: since) the promised date.
ROLES: dict[str, tuple[str, int, str, int]] = {
    "transit": ("Wool rug x 1 @ 9000", 9000, "transit", 3),
    "late": ("Board game x 1 @ 4500", 4500, "transit", -14),
    "slightly_late": ("Desk fan x 1 @ 3900", 3900, "transit", -1),
    "delivered": ("Stacking toy x 1 @ 2499; Bonsai kit x 1 @ 3999", 6498, "delivered", 5),
    "old": ("Desk lamp x 1 @ 5600", 5600, "delivered", 40),
    "unshipped": ("Linen shirt x 1 @ 4250", 4250, "unshipped", 0),
    "authorised": ("Canvas tote x 1 @ 3100", 3100, "authorised", 0),
    "cancelled": ("Wool scarf x 1 @ 3000", 3000, "cancelled", 0),
    "big": ("Standing desk x 1 @ 21000", 21000, "delivered", 3),
    "partial": ("Table runner x 1 @ 4000", 4000, "delivered", 10),
    # The policy's boundaries: the last day of the return window and the day after, and late by
    # exactly the reship threshold (5 business days: no reship yet) and one day less.
    "day30": ("Ceramic vase x 1 @ 3300", 3300, "delivered", 30),
    "day31": ("Velvet cushion x 1 @ 2800", 2800, "delivered", 31),
    "late5": ("Copper kettle x 1 @ 3500", 3500, "transit", 0),
    "late4": ("Garden hose x 1 @ 1500", 1500, "transit", 0),
}
# Roles late by a number of business days: their promised date is counted back over weekdays
# from today, so the lateness does not depend on the weekday the bench runs on.
BUSINESS_LATE = {"late5": 5, "late4": 4}
# A policy explained waits too: a customer who insists goes to a person (POLICIES.md).
WAITING_STEPS = {Step.AWAITING_TOKEN, Step.AWAITING_ADDRESS, Step.AWAITING_ORDER, Step.EXPLAINED}


def _conversation_shop(index: int, single: bool, now: Any) -> dict[str, list[dict[str, Any]]]:
    """Customer ``index`` (email conv<index>@bench.example, phone as a US shop exports it)
    and their orders, one per role (only "transit" when ``single``)."""
    import datetime as dt

    ref = f"conv-{index}"
    tables: dict[str, list[dict[str, Any]]] = {
        "customers": [
            {"ref": ref, "email": f"conv{index}@bench.example", "phone": f"(555) 020-{index:04d}"}
        ],
        "orders": [],
        "payments": [],
        "refunds": [],
        "shipments": [],
        "cancellations": [],
    }
    roles = {"transit": ROLES["transit"]} if single else ROLES
    for position, (role, (items, total, state, listed)) in enumerate(roles.items()):
        late = BUSINESS_LATE.get(role)
        days = -_calendar_days_back(now.date(), late) if late else listed
        number = f"7{index:03d}{position:02d}"
        placed = now - dt.timedelta(days=max(days, 0) + 20)
        promised = (now + dt.timedelta(days=days)).date() if state == "transit" else now.date()
        tables["orders"].append(
            {
                "number": number,
                "customer_ref": ref,
                "currency": "USD",
                "total_minor": total,
                "placed_at": placed.isoformat(),
                "promised_on": promised.isoformat(),
                "address": "4 Elm Row, Springfield, 01101, US",
                "items": items,
            }
        )
        captured = state != "authorised"
        tables["payments"].append(
            {
                "order_number": number,
                "method": "Visa",
                "last4": "4242",
                "status": "captured" if captured else "authorised",
                "amount_minor": total,
                "captured_minor": total if captured else 0,
                "currency": "USD",
            }
        )
        if state in ("transit", "delivered"):
            delivered = now - dt.timedelta(days=days) if state == "delivered" else None
            tables["shipments"].append(
                {
                    "order_number": number,
                    "carrier": "UPS",
                    "tracking_number": f"1Z{number}",
                    "status": "delivered" if delivered else "in_transit",
                    "shipped_at": (placed + dt.timedelta(days=1)).isoformat(),
                    "eta": promised.isoformat() if days > 0 else "",
                    "delivered_at": delivered.isoformat() if delivered else "",
                }
            )
        if role == "cancelled":
            tables["cancellations"].append({"order_number": number})
            tables["refunds"].append(
                {
                    "ref": f"R{number}",
                    "order_number": number,
                    "amount_minor": total,
                    "currency": "USD",
                }
            )
        if role == "partial":
            tables["refunds"].append(
                {
                    "ref": f"R{number}",
                    "order_number": number,
                    "amount_minor": 3000,
                    "currency": "USD",
                }
            )
    return tables


def _calendar_days_back(today: Any, late: int) -> int:
    """Calendar days before ``today`` of a promised date that leaves exactly ``late`` weekdays
    strictly after it up to and including today (POLICIES.md's business days late)."""
    import datetime as dt

    day, counted = today, 0
    while True:
        counted += day.weekday() < 5
        if counted == late:
            return (today - day).days + 1
        day -= dt.timedelta(days=1)


def _send(conversation: dict[str, Any], index: int, turn: int, text: str) -> tuple[int, float]:
    channel = conversation.get("channel", "api")
    if channel == "sms":  # a phone-only sender, as an SMS provider sends the number
        sender = Sender(phone=f"+1555020{index:04d}", verified=True)
    else:
        sender = Sender(email=f"conv{index}@bench.example", verified=True)
    message = InboundMessage(
        channel="email" if channel == "email" else "api",
        external_id=f"c{index}-{turn}",
        text=text,
        subject="Help" if channel == "email" else "",
        thread_key=f"c{index}" if channel != "email" else None,
        reply_to_external_ids=(f"c{index}-{turn - 1}",) if channel == "email" and turn else (),
        sender=sender,
    )
    started = time.perf_counter()
    accepted = inbox.accept(message)
    pipeline.process(accepted.inbox_id)
    elapsed = (time.perf_counter() - started) * 1000
    ticket_id = inbox.status_of(accepted.inbox_id).ticket_id
    assert ticket_id is not None
    return ticket_id, elapsed


def converse(path: Path, workdir: Path) -> dict[str, Any]:
    import yaml

    from minidesk.commerce.bulk import import_tables
    from minidesk.commerce.imports import ImportKind

    conversations: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    database = _configure(workdir)
    now = utcnow()
    with database.transaction() as session:
        stranger = _conversation_shop(999, True, now)
        import_tables(session, {ImportKind(k): v for k, v in stranger.items()})
        other = stranger["orders"][0]["number"]
        for index, conversation in enumerate(conversations):
            tables = _conversation_shop(index, bool(conversation.get("single")), now)
            import_tables(session, {ImportKind(k): v for k, v in tables.items()})
    results: list[dict[str, Any]] = []
    latencies: list[float] = []
    for index, conversation in enumerate(conversations):
        numbers = {role: f"7{index:03d}{position:02d}" for position, role in enumerate(ROLES)}
        ticket_id = 0
        for turn, template in enumerate(conversation["turns"]):
            text = template.format(other=other, **numbers)
            ticket_id, ms = _send(conversation, index, turn, text)
            latencies.append(ms)
            with database.sessions() as session:
                state = session.get(ResolutionState, ticket_id)
                if state is None or state.step not in WAITING_STEPS:
                    break
        results.append(_outcome(database, conversation, ticket_id, _meant(conversation, numbers)))
    return _summary(results, latencies)


def _meant(conversation: dict[str, Any], numbers: dict[str, str]) -> set[str]:
    """The orders an action in ``conversation`` may touch: those its turns name by number
    (``{late}``), else those whose items its turns name ("the rug" → the wool rug's order),
    else any of the customer's own. An action on another of the customer's orders is wrong
    too, not only one on a stranger's."""
    text = " ".join(conversation["turns"]).lower()
    named = {role for role in numbers if "{" + role + "}" in text}
    if not named:
        named = {
            role
            for role, (items, *_) in ROLES.items()
            if role in numbers
            and any(
                re.search(rf"\b{re.escape(word)}", text)
                for word in re.findall(r"[a-z]{3,}", items.lower())
            )
        }
    return {numbers[role] for role in named} if named else set(numbers.values())


def _configure(workdir: Path) -> db.Database:
    url = f"sqlite:///{workdir / 'bench.db'}"
    migrate.upgrade(url)
    config = settings.configure(
        settings.load_settings(
            database_url=url, secret_key="bench" * 8, queue_url="memory://", workers=0
        )
    )
    database = db.configure(config.database_url)
    jobs.configure(config, immediate=True)
    return database


def _outcome(
    database: db.Database, conversation: dict[str, Any], ticket_id: int, own: set[str]
) -> dict[str, Any]:
    with database.sessions() as session:
        ticket = session.get_one(Ticket, ticket_id)
        events = list(
            session.scalars(select(Event).where(Event.ticket_id == ticket_id).order_by(Event.id))
        )
        state = session.get(ResolutionState, ticket_id)
        step = state.step if state else None
    allowed = set(conversation["actions"])
    actions = [e for e in events if e.kind.startswith("commerce.")]
    wrong = [
        e.kind
        for e in actions
        if e.kind.removeprefix("commerce.") not in allowed
        or (e.data.get("order_number") and e.data["order_number"] not in own)
    ]
    handoffs = [str(e.data.get("rule")) for e in events if e.kind == "resolution.handed_off"]
    done = {e.kind.removeprefix("commerce.") for e in actions}
    automated = not handoffs and step in (Step.DONE, Step.EXPLAINED) and done >= allowed
    return {
        "id": conversation["id"],
        "lang": conversation["lang"],
        "automatable": bool(conversation["automatable"]),
        "automated": automated,
        "turns": ticket.turns,
        "wrong": wrong,
        "handoff": handoffs[0] if handoffs else None,
    }


def _summary(results: list[dict[str, Any]], latencies: list[float]) -> dict[str, Any]:
    automatable = [r for r in results if r["automatable"]]
    automated = [r for r in automatable if r["automated"]]
    languages = sorted({r["lang"] for r in results})
    share = {
        lang: f"{sum(r['automated'] for r in automatable if r['lang'] == lang)}/"
        f"{sum(1 for r in automatable if r['lang'] == lang)}"
        for lang in languages
    }
    ordered = sorted(latencies)
    return {
        "conversations": len(results),
        "automatable": len(automatable),
        "automated_share": round(len(automated) / max(len(automatable), 1), 3),
        "automated_by_language": share,
        "within_3_turns_share": round(
            sum(r["turns"] <= 3 for r in automated) / max(len(automated), 1), 3
        ),
        "wrong_actions": sum(len(r["wrong"]) for r in results),
        "wrong": [r for r in results if r["wrong"]],
        "results": results,
        "handoffs_by_reason": dict(Counter(r["handoff"] for r in results if r["handoff"])),
        "missed": [(r["id"], r["handoff"]) for r in automatable if not r["automated"]],
        "automated_against_policy": [
            r["id"] for r in results if not r["automatable"] and r["automated"]
        ],
        "reply_ms_p50": round(statistics.median(ordered), 1) if ordered else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", choices=("conversations", "bitext"), default="conversations")
    parser.add_argument("--conversations", type=Path, default=CONVERSATIONS)
    parser.add_argument("--datasets", type=Path, default=default_datasets_dir())
    parser.add_argument("--per-intent", type=int, default=30)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        if args.set == "conversations":
            print(json.dumps(converse(args.conversations, Path(scratch))))
        else:
            print(json.dumps(replay(args.datasets, args.per_intent, args.seed, Path(scratch))))


if __name__ == "__main__":
    main()
