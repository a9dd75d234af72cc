"""Email benchmark: a folder of .eml files parsed and ingested through the full pipeline
(receive_raw: parse, store original and attachments, inbox.accept; then pipeline.process:
customer, threading, message, triage, events), and outbound delivery to a local SMTP sink.

    python bench/email.py --mails 2000 --threads 2 [--folder DIR_OF_EML]

Prints one JSON object: inbound ``mails_per_s`` and latency percentiles (receive + process
per mail), outbound ``sent_per_s``.
"""

from __future__ import annotations

import sys
from pathlib import Path

# The issue names this file bench/email.py; run as a script, its folder comes first on
# sys.path and the file would shadow the standard library's ``email`` package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import argparse  # noqa: E402 (the sys.path fix above must run first)
import json  # noqa: E402
import socket  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from email.message import EmailMessage  # noqa: E402

from aiosmtpd.controller import Controller  # noqa: E402
from pydantic import SecretStr  # noqa: E402

FIXTURES = Path(__file__).parents[1] / "tests" / "email" / "fixtures"
BODIES = [
    "Where is my order #{n}? It should have arrived by now.",
    "I want to cancel order {n}, please.",
    "Can I get the invoice for order #{n}?",
    "My package {n} arrived damaged, I want a refund.",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def generate(folder: Path, count: int, customers: int) -> None:
    """Realistic mix: 3 in 4 plain customer mails, 1 in 4 the multipart fixture with an
    inline image and a PDF (new Message-ID each time, so none is a duplicate)."""
    template = (FIXTURES / "new_request.eml").read_bytes()
    for i in range(count):
        if i % 4 == 3:
            raw = template.replace(b"CAH7x0Qm1-new-request", f"bench-{i}".encode())
            raw = raw.replace(b"Emma.Larsen@example.com", f"c{i % customers}@example.com".encode())
        else:
            mail = EmailMessage()
            mail["From"] = f"Customer {i % customers} <c{i % customers}@example.com>"
            mail["To"] = "support@shop.example"
            mail["Subject"] = f"Order {1000 + i}"
            mail["Message-ID"] = f"<bench-{i}@example.com>"
            body = BODIES[i % len(BODIES)].format(n=1000 + i)
            mail.set_content(body + "\n\n-- \nSent from my phone")
            raw = mail.as_bytes()
        (folder / f"{i:06d}.eml").write_bytes(raw)


class Sink:
    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mails", type=int, default=2000)
    parser.add_argument("--customers", type=int, default=300)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--replies", type=int, default=300)
    parser.add_argument("--folder", type=Path)
    args = parser.parse_args()

    from minidesk import db, jobs, migrate, outbox, pipeline, settings
    from minidesk.channels.email import config
    from minidesk.channels.email.receive import Outcome, receive_raw
    from minidesk.desk.messages import do_reply
    from minidesk.desk.models import Ticket
    from minidesk.events import SYSTEM

    work = Path(tempfile.mkdtemp(prefix="minidesk-email-bench-"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Controller(Sink(), hostname="127.0.0.1", port=port)
    sink.start()
    url = f"sqlite:///{work / 'bench.db'}"
    current = settings.configure(settings.load_settings(
        database_url=url, secret_key="bench", queue_url="memory://", workers=0,
        smtp_url=SecretStr(f"smtp://127.0.0.1:{port}"),
    ))  # fmt: skip
    migrate.upgrade(current.database_url)
    database = db.configure(current.database_url)
    jobs.configure(current)  # queued hints are never consumed: we drive the work ourselves
    config.ensure_support_address("support@shop.example", SYSTEM)
    folder = args.folder
    if folder is None:
        folder = work / "eml"
        folder.mkdir()
        generate(folder, args.mails, args.customers)
    files = sorted(folder.glob("*.eml"))
    raws = [path.read_bytes() for path in files]
    from minidesk.triage import analyse

    analyse("warm up")  # load the triage model outside the timing
    latencies: list[float] = []
    lock = threading.Lock()
    outcomes: dict[str, int] = {}

    def ingest(raw: bytes) -> None:
        started = time.perf_counter()
        result = receive_raw(raw, envelope_to=["support@shop.example"])
        if result.outcome == Outcome.ACCEPTED:
            pipeline.process(result.inbox_id, database)
        elapsed = time.perf_counter() - started
        with lock:
            latencies.append(elapsed)
            outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1

    started = time.perf_counter()
    with ThreadPoolExecutor(args.threads) as pool:
        list(pool.map(ingest, raws))
    inbound_seconds = time.perf_counter() - started

    with database.transaction() as session:
        tickets = session.query(Ticket).limit(args.replies).all()
        for ticket in tickets:
            do_reply(session, ticket, "Thanks, we are on it.", SYSTEM)
    with database.sessions() as session:
        due = outbox.due_ids(session, db.utcnow(), limit=args.replies)
    started = time.perf_counter()
    with ThreadPoolExecutor(args.threads) as pool:
        statuses = list(pool.map(lambda i: outbox.deliver(database, i, 8), due))
    outbound_seconds = time.perf_counter() - started
    sink.stop()
    print(json.dumps({
        "inbound": {
            "mails": len(raws), "threads": args.threads, "outcomes": outcomes,
            "mails_per_s": round(len(raws) / inbound_seconds, 1),
            "latency_ms_p50": round(percentile(latencies, 0.5) * 1000, 2),
            "latency_ms_p99": round(percentile(latencies, 0.99) * 1000, 2),
        },
        "outbound": {
            "replies": len(due), "sent": statuses.count(outbox.OutboxStatus.SENT),
            "sent_per_s": round(len(due) / outbound_seconds, 1),
        },
        "python": sys.version.split()[0],
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
