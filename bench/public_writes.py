"""Public-writes limit benchmark: what the per-address token bucket adds to a public write.

Builds a fresh migrated SQLite database (or uses ``--database-url`` for PostgreSQL, whose
``public_write_buckets`` and ``kb_feedback`` rows it deletes first), seeds the demo articles,
then posts ``--requests`` help-centre feedback answers through the in-process app from
``--addresses`` client addresses in turn, twice back to back: with the limiter, and with its
token taking replaced by a no-op (what the route cost before). The burst is raised so that no
request is refused: the figures are the cost of an allowed write. Also times ``take`` alone
(one conditional upsert in its own transaction). Prints JSON: p50/p99 ms for each, the ratio
with/without, and the machine's load average (only comparable at similar load).

    python bench/public_writes.py [--requests 500] [--addresses 50] [--database-url URL]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, bench/ comes first on sys.path and bench/email.py would shadow the standard
# library's ``email`` package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import argparse  # noqa: E402 (the sys.path fix above must run first)
import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from unittest import mock  # noqa: E402

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import delete  # noqa: E402

from minidesk import db, migrate, settings  # noqa: E402
from minidesk.desk.public_writes import PublicWriteBucket, take  # noqa: E402
from minidesk.kb.models import KbFeedback  # noqa: E402
from minidesk.kb.seed import seed_demo_articles  # noqa: E402
from minidesk.web import public_limit  # noqa: E402
from minidesk.web.app import create_app  # noqa: E402

FEEDBACK = "/help/articles/return-policy/feedback"


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 3),
    }


def _timed(n: int, call: Callable[[int], None]) -> list[float]:
    samples = []
    for i in range(n):
        start = time.perf_counter()
        call(i)
        samples.append(time.perf_counter() - start)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--addresses", type=int, default=50)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    config = settings.load_settings(
        database_url=url,
        demo=True,
        public_writes_burst=100_000,
        public_writes_per_minute=100_000,
    )
    settings.configure(config)
    migrate.upgrade(config.database_url)
    database = db.configure(config.database_url)
    with database.transaction() as session:
        session.execute(delete(PublicWriteBucket))
        session.execute(delete(KbFeedback))
        seed_demo_articles(session)
    app = create_app(config, embedded_workers=0)
    clients = [
        TestClient(app, client=(f"198.51.100.{i % 250 + 1}", 40000)) for i in range(args.addresses)
    ]

    def post(i: int) -> None:
        answer = clients[i % len(clients)].post(
            FEEDBACK, data={"helpful": "yes"}, follow_redirects=False
        )
        assert answer.status_code == 303, answer.status_code

    post(0)  # warm: templates, first connection
    with mock.patch.object(public_limit, "spend_token", lambda connection: None):
        without = _timed(args.requests, post)
    limited = _timed(args.requests, post)

    def take_alone(i: int) -> None:
        with database.transaction() as session:
            take(session, config, f"203.0.113.{i % 250 + 1}", db.utcnow())

    alone = _timed(args.requests, take_alone)
    result = {
        "database": database.engine.dialect.name,
        "requests": args.requests,
        "addresses": args.addresses,
        "feedback_without_limit": _percentiles(without),
        "feedback_with_limit": _percentiles(limited),
        "take_alone": _percentiles(alone),
        "ratio_p50": round(statistics.median(limited) / statistics.median(without), 3),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
