"""Webhook benchmark: events fanned out to subscriptions, then delivered to a local receiver.

Builds a fresh SQLite database with ``--subscriptions`` subscriptions to ``*`` pointing at a
receiver on loopback (a thread that answers 200), emits ``--events`` events, dispatches them
in batches of 64 as the ``dispatch_events`` job does (the listener writes one outbox row per
subscription and event), then delivers every row with ``--threads`` threads calling
``outbox.deliver`` as the delivery job does (signed POST, history row, breaker update).

    python bench/webhooks.py [--events 500] [--subscriptions 4] [--threads 4] [--runs 3]

Prints JSON with the median of the runs: listener ms per event, deliveries per second and
each delivery's p50/p99 in ms (claim, POST, record).
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, bench/ comes first on sys.path and bench/email.py would shadow the standard
# library's ``email`` package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer  # noqa: E402

from sqlalchemy import select  # noqa: E402

from minidesk import db, events, features, migrate, outbox, settings  # noqa: E402
from minidesk.desk import users  # noqa: E402
from minidesk.desk.models import Role  # noqa: E402
from minidesk.event_kinds import EventKind  # noqa: E402
from minidesk.events import SYSTEM  # noqa: E402
from minidesk.webhooks.subscriptions import do_create_subscription  # noqa: E402

BATCH = 64


class Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


def run(directory: Path, n_events: int, n_subscriptions: int, threads: int, url: str) -> dict:
    database_url = f"sqlite:///{directory / 'bench.db'}"
    migrate.upgrade(database_url)
    settings.configure(
        settings.load_settings(
            database_url=database_url,
            secret_key="bench-secret-key-of-32-bytes-or-more",
            outbound_allow="127.0.0.0/8",
            outbound_allow_http=True,
        )
    )
    database = db.configure(database_url)
    features.load()
    with database.transaction() as session:
        admin = users.do_create_user(session, "admin@bench.example", Role.ADMIN, SYSTEM)
        for _ in range(n_subscriptions):
            do_create_subscription(session, admin, url=url, events=["*"])
        ids = []
        for n in range(n_events):
            event = events.emit(
                session,
                EventKind.TICKET_CREATED,
                SYSTEM,
                channel="api",
                subject=f"bench {n}",
                follow_up_of=None,
            )
            session.flush()
            ids.append(event.id)
    started = time.perf_counter()
    for start in range(0, len(ids), BATCH):
        with database.transaction() as session:
            events.dispatch_many(session, ids[start : start + BATCH])
    listener_ms = (time.perf_counter() - started) * 1000 / n_events
    with database.sessions() as session:
        query = select(outbox.OutboxItem.id).where(outbox.OutboxItem.channel == "webhook")
        rows = list(session.scalars(query))

    def deliver(item_id: int) -> float:
        begun = time.perf_counter()
        assert outbox.deliver(database, item_id, max_attempts=8) == outbox.OutboxStatus.SENT
        return (time.perf_counter() - begun) * 1000

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        latencies = sorted(pool.map(deliver, rows))
    elapsed = time.perf_counter() - started
    database.dispose()
    return {
        "listener_ms_per_event": round(listener_ms, 3),
        "deliveries": len(rows),
        "deliveries_per_s": round(len(rows) / elapsed, 1),
        "delivery_ms_p50": round(latencies[len(latencies) // 2], 2),
        "delivery_ms_p99": round(latencies[int(len(latencies) * 0.99) - 1], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--subscriptions", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    results = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as directory:
            results.append(
                run(Path(directory), args.events, args.subscriptions, args.threads, url)
            )
    server.shutdown()
    median = {key: statistics.median(r[key] for r in results) for key in results[0]}
    print(json.dumps({"runs": args.runs, **vars(args), "median": median}))


if __name__ == "__main__":
    main()
