"""Email benchmark: raw mails ingested through the full pipeline, and replies sent over SMTP.

Inbound, ``--threads`` receivers call ``receive_raw`` (parse, store the original and its
attachments, ``inbox.accept``) as the SMTP listener's threads do, while ``--workers`` drain
the accepted rows in batches with ``pipeline.process_batch`` (customer, threading, message,
triage, events), as the job workers do. A mail counts when its batch has committed.
Outbound, the delivery job sends replies to an SMTP sink running in a process of its own, so
the sink's work is not billed to the desk.

    python bench/email.py --mails 2000 --threads 2 --runs 3 [--folder DIR_OF_EML]

Prints one JSON object with the median of the runs (each on a fresh database): inbound
``mails_per_s``, latency from receipt to processed, outbound ``sent_per_s``. The machine may
be shared: ``cpu_ms_per_mail`` and ``cpu_ms_per_reply`` (this process's CPU time, all threads)
move far less with other load than the rates do, and the 1-minute load average is reported.
"""

from __future__ import annotations

import sys
from pathlib import Path

# The issue names this file bench/email.py; run as a script, its folder comes first on
# sys.path and the file would shadow the standard library's ``email`` package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import argparse  # noqa: E402 (the sys.path fix above must run first)
import json  # noqa: E402
import os  # noqa: E402
import queue  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from email.message import EmailMessage  # noqa: E402
from typing import Any  # noqa: E402

from pydantic import SecretStr  # noqa: E402

from minidesk import db, jobs, migrate, outbox, pipeline, settings  # noqa: E402
from minidesk.channels import registry  # noqa: E402
from minidesk.channels.email import config  # noqa: E402
from minidesk.channels.email.adapter import EmailAdapter  # noqa: E402
from minidesk.channels.email.receive import Outcome, receive_raw  # noqa: E402
from minidesk.events import SYSTEM  # noqa: E402

FIXTURES = Path(__file__).parents[1] / "tests" / "email" / "fixtures"
SUPPORT = "support@shop.example"
BODIES = [
    "Where is my order #{n}? It should have arrived by now.",
    "I want to cancel order {n}, please.",
    "Can I get the invoice for order #{n}?",
    "My package {n} arrived damaged, I want a refund.",
]
# What a worker takes per transaction, and how ids gather before they are queued: the
# window of ``jobs.Coalescer``, which doubles while ids keep coming.
BATCH = pipeline.BATCH_SIZE
HINTS = jobs.process_hints


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def generate(count: int, customers: int) -> list[bytes]:
    """Realistic mix: 3 in 4 plain customer mails, 1 in 4 the multipart fixture with an
    inline image and a PDF (new Message-ID each time, so none is a duplicate)."""
    template = (FIXTURES / "new_request.eml").read_bytes()
    raws = []
    for i in range(count):
        if i % 4 == 3:
            raw = template.replace(b"CAH7x0Qm1-new-request", f"bench-{i}".encode())
            raw = raw.replace(b"Emma.Larsen@example.com", f"c{i % customers}@example.com".encode())
        else:
            mail = EmailMessage()
            mail["From"] = f"Customer {i % customers} <c{i % customers}@example.com>"
            mail["To"] = SUPPORT
            mail["Subject"] = f"Order {1000 + i}"
            mail["Message-ID"] = f"<bench-{i}@example.com>"
            body = BODIES[i % len(BODIES)].format(n=1000 + i)
            mail.set_content(body + "\n\n-- \nSent from my phone")
            raw = mail.as_bytes()
        raws.append(raw)
    return raws


def start_sink() -> tuple[subprocess.Popen[bytes], int]:
    """aiosmtpd's discarding handler in a process of its own; waits until it listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    sink = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink",
         "-l", f"127.0.0.1:{port}"],
        cwd=tempfile.gettempdir(),  # not bench/: this file would shadow ``email`` there too
    )  # fmt: skip
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return sink, port
        except OSError:
            time.sleep(0.05)
    sink.kill()
    raise SystemExit("the SMTP sink did not start")


def ingest(raws: list[bytes], threads: int, workers: int, database: db.Database) -> dict[str, Any]:
    accepted: queue.SimpleQueue[tuple[int, float] | None] = queue.SimpleQueue()
    outcomes: list[str] = []
    receive_seconds: list[float] = []
    latencies: list[float] = []  # receipt to committed; list.append is atomic under the GIL

    def receive(raw: bytes) -> None:
        started = time.perf_counter()
        result = receive_raw(raw, envelope_to=[SUPPORT])
        receive_seconds.append(time.perf_counter() - started)
        outcomes.append(result.outcome)
        if result.outcome == Outcome.ACCEPTED:
            accepted.put((result.inbox_id, started))

    def work() -> None:
        window = HINTS.window
        while (first := accepted.get()) is not None:
            time.sleep(window)
            batch = [first]
            while len(batch) < BATCH:
                try:
                    item = accepted.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    accepted.put(None)  # for the loop above to see, after this batch
                    break
                batch.append(item)
            pipeline.process_batch([inbox_id for inbox_id, _ in batch], database)
            busy = len(batch) >= HINTS.busy_rate * window
            window = min(HINTS.max_window, window * 2) if busy else HINTS.window
            done = time.perf_counter()
            latencies.extend(done - started for _, started in batch)

    started, cpu = time.perf_counter(), time.process_time()
    drainers = [threading.Thread(target=work) for _ in range(workers)]
    for drainer in drainers:
        drainer.start()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(receive, raws))
    for _ in drainers:
        accepted.put(None)
    for drainer in drainers:
        drainer.join()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "mails_per_s": len(raws) / seconds,
        "cpu_ms_per_mail": cpu / len(raws) * 1000,
        "latency_ms_p50": percentile(latencies, 0.5) * 1000,
        "latency_ms_p99": percentile(latencies, 0.99) * 1000,
        "receive_ms_p50": percentile(receive_seconds, 0.5) * 1000,
        "outcomes": dict(Counter(outcomes)),
    }


def send(replies: int, threads: int, database: db.Database) -> dict[str, Any]:
    from sqlalchemy import select

    from minidesk.desk.messages import do_reply
    from minidesk.desk.models import Ticket

    with database.transaction() as session:
        for ticket in session.scalars(select(Ticket).limit(replies)):
            do_reply(session, ticket, "Thanks, we are on it.", SYSTEM)
    with database.sessions() as session:
        due = outbox.due_ids(session, db.utcnow(), limit=replies)
    adapter = registry.adapter("email")
    if not isinstance(adapter, EmailAdapter):
        raise SystemExit(f"the email channel's adapter is {type(adapter).__name__}")
    opened = adapter.connections.opened
    started, cpu = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(threads) as pool:
        statuses = list(pool.map(lambda item_id: outbox.deliver(database, item_id, 8), due))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "replies": len(due),
        "sent": statuses.count(outbox.OutboxStatus.SENT),
        "sent_per_s": len(due) / seconds,
        "cpu_ms_per_reply": cpu / max(len(due), 1) * 1000,
        "smtp_connections": adapter.connections.opened - opened,
    }


def run(raws: list[bytes], args: argparse.Namespace, smtp_url: str) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="minidesk-email-bench-"))
    current = settings.configure(settings.load_settings(
        database_url=f"sqlite:///{work / 'bench.db'}", secret_key="bench" * 8, queue_url="memory://",
        workers=0, smtp_url=SecretStr(smtp_url),
    ))  # fmt: skip
    migrate.upgrade(current.database_url)
    database = db.configure(current.database_url)
    jobs.configure(current)  # queued hints are never consumed: the bench drives the work
    config.forget_cache()
    config.ensure_support_address(SUPPORT, SYSTEM)
    inbound = ingest(raws, args.threads, args.workers, database)
    outbound = send(args.replies, args.threads, database)
    return {"inbound": inbound, "outbound": outbound}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mails", type=int, default=2000)
    parser.add_argument("--customers", type=int, default=300)
    parser.add_argument("--threads", type=int, default=2, help="receiving / sending threads")
    parser.add_argument("--workers", type=int, default=1, help="threads draining the inbox")
    parser.add_argument("--replies", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--folder", type=Path, help="ingest these .eml files instead")
    args = parser.parse_args()

    if args.folder:
        raws = [path.read_bytes() for path in sorted(args.folder.glob("*.eml"))]
    else:
        raws = generate(args.mails, args.customers)
    from minidesk.triage import analyse

    analyse("warm up")  # load the triage model outside the timing
    load = os.getloadavg()[0]
    # A terminated bench still stops its sink (``finally`` below runs on SystemExit).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sink, port = start_sink()
    try:
        runs = [run(raws, args, f"smtp://127.0.0.1:{port}") for _ in range(args.runs)]
    finally:
        sink.terminate()
        sink.wait()

    def median(side: str, key: str) -> float:
        return round(statistics.median(r[side][key] for r in runs), 2)

    inbound = {key: median("inbound", key) for key in runs[0]["inbound"] if key != "outcomes"}
    outbound = {key: median("outbound", key) for key in runs[0]["outbound"]}
    print(json.dumps({
        "inbound": {"mails": len(raws), "threads": args.threads, "workers": args.workers,
                    "outcomes": runs[0]["inbound"]["outcomes"], **inbound,
                    "mails_per_s_runs": [round(r["inbound"]["mails_per_s"], 1) for r in runs]},
        "outbound": {**outbound,
                     "sent_per_s_runs": [round(r["outbound"]["sent_per_s"], 1) for r in runs]},
        "runs": args.runs, "load_average_1m": round(load, 2), "python": sys.version.split()[0],
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
