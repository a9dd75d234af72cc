"""Knowledge-base search benchmark: ``kb.reading.find`` (the full-text query and loading the
articles found, what ``/api/v1/kb/search`` and the help centre run) over N articles.

Builds a fresh migrated SQLite database (or uses ``--database-url`` for PostgreSQL, whose
``kb_*`` tables it empties first), inserts the demo articles plus N synthetic ones (titles
and bodies drawn from a Zipf-like vocabulary, so common words match thousands of articles,
as in a real help centre: each article is about one or two topics and mentions others in
passing), then runs ``--queries`` searches of one to four words, some of
them prefixes (search as you type) and the calibration questions. Prints JSON: latency p50,
p99 and max in ms (wall, and this process's CPU time; on a PostgreSQL server on this machine
also the server process's CPU time, from ``/proc/<pid>/schedstat``), results per query, and the
machine's load average (wall figures are only comparable at similar load).

    python bench/kb.py [--articles 10000] [--queries 2000] [--database-url URL]
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
import random  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

from sqlalchemy import insert, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from minidesk import db, migrate, settings  # noqa: E402
from minidesk.kb.calibration import DEVELOPMENT, HELD_OUT  # noqa: E402
from minidesk.kb.models import KbArticle  # noqa: E402
from minidesk.kb.reading import find  # noqa: E402
from minidesk.kb.search import Scope  # noqa: E402
from minidesk.kb.seed import seed_demo_articles  # noqa: E402

CHUNK = 1_000
TOPICS = [
    "order",
    "shipping",
    "delivery",
    "parcel",
    "tracking",
    "courier",
    "refund",
    "return",
    "exchange",
    "warranty",
    "invoice",
    "receipt",
    "payment",
    "card",
    "paypal",
    "voucher",
    "gift",
    "discount",
    "coupon",
    "account",
    "password",
    "login",
    "email",
    "newsletter",
    "address",
    "cancel",
    "damaged",
    "broken",
    "missing",
    "size",
    "colour",
    "stock",
    "preorder",
    "subscription",
    "battery",
    "charger",
    "cable",
    "lamp",
    "mug",
    "chair",
    "table",
    "sofa",
    "jacket",
    "shoes",
    "boots",
    "shirt",
    "dress",
    "watch",
    "phone",
    "laptop",
    "headphones",
    "speaker",
    "camera",
    "printer",
    "kettle",
    "blender",
    "vacuum",
    "mattress",
    "pillow",
]
FILLER = [
    "please",
    "note",
    "that",
    "you",
    "can",
    "also",
    "we",
    "will",
    "our",
    "team",
    "usually",
    "within",
    "days",
    "after",
    "before",
    "when",
    "if",
    "your",
    "the",
    "and",
    "for",
    "with",
    "from",
    "this",
    "that",
    "it",
    "on",
    "in",
    "at",
    "by",
    "to",
    "of",
    "a",
    "is",
    "are",
    "be",
    "have",
]


# Words that are not the subject of an article: a larger vocabulary, a few of them common.
GENERAL = [f"w{n}" for n in range(3_000)]
GENERAL_WEIGHTS = [1 / (rank + 1) for rank in range(len(GENERAL))]


def _text(rng: random.Random, subject: list[str], n: int) -> list[str]:
    """``n`` words about ``subject``: some subject words, a few other topics, general words
    (Zipf-distributed) and filler, as a real article mixes them."""
    general = rng.choices(GENERAL, weights=GENERAL_WEIGHTS, k=n)
    words = []
    for i in range(n):
        roll = rng.random()
        if roll < 0.15:
            words.append(rng.choice(subject))
        elif roll < 0.2:
            words.append(rng.choice(TOPICS))
        elif roll < 0.7:
            words.append(general[i])
        else:
            words.append(rng.choice(FILLER))
    return words


def build(database: db.Database, articles: int, rng: random.Random) -> None:
    now = db.utcnow()
    with database.transaction() as session:
        seed_demo_articles(session)
    with database.transaction() as session:
        for start in range(0, articles, CHUNK):
            rows = []
            for i in range(start, min(start + CHUNK, articles)):
                subject = rng.sample(TOPICS, rng.randint(1, 2))
                title = " ".join([*subject, *rng.choices(GENERAL, k=3)]).capitalize()
                body = "\n\n".join(" ".join(_text(rng, subject, 40)) + "." for _ in range(4))
                rows.append({
                    "slug": f"bench-{i}", "locale": "en", "title": title, "body": body,
                    "tags": [], "visibility": "internal" if i % 10 == 0 else "public",
                    "status": "draft" if i % 20 == 0 else "published", "url_rules": [],
                    "version": 1, "created_at": now, "updated_at": now,
                })  # fmt: skip
            session.execute(insert(KbArticle), rows)
    if database.engine.dialect.name == "postgresql":
        # Statistics for the planner, as after any bulk load (autovacuum would take a minute
        # to get to them, and the first searches were planned as if there were no articles).
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text("VACUUM ANALYZE kb_articles, search_articles"))


def queries(rng: random.Random, n: int) -> list[str]:
    asked = [q for q, _ in DEVELOPMENT + HELD_OUT]
    found = []
    for i in range(n):
        if i % 4 == 0:
            found.append(rng.choice(asked))
            continue
        words = rng.sample(TOPICS, rng.randint(1, 2)) + rng.choices(GENERAL, k=rng.randint(0, 2))
        rng.shuffle(words)
        if i % 3 == 0:  # typing: the last word cut short
            words[-1] = words[-1][: max(2, len(words[-1]) - 3)]
        found.append(" ".join(words))
    return found


def server_cpu(session: Session) -> Callable[[], float] | None:
    """The CPU time (ms) the PostgreSQL backend serving ``session`` has used so far, read from
    the kernel's scheduler statistics (nanoseconds, where ``/proc/<pid>/stat`` counts in
    10 ms ticks); None on SQLite or a server on another machine."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    stats = Path(f"/proc/{pid}/schedstat")
    if not stats.exists():
        return None
    return lambda: int(stats.read_text().split()[0]) / 1e6


def open_database(directory: str, database_url: str) -> db.Database:
    """A migrated database for a knowledge-base bench: a scratch SQLite file in
    ``directory``, or ``database_url`` emptied of articles and their searches."""
    url = database_url or f"sqlite:///{Path(directory) / 'bench.db'}"
    migrate.upgrade(url)
    settings.configure(
        settings.load_settings(
            database_url=url, secret_key="bench-secret-key-of-32-bytes-or-more", demo=True
        )
    )
    database = db.configure(url)
    if database_url:
        with database.transaction() as session:
            session.execute(text(
                "TRUNCATE kb_searches, kb_feedback, kb_article_versions, "
                "kb_article_embeddings, kb_articles, kb_categories RESTART IDENTITY CASCADE"
            ))  # fmt: skip
    return database


def _p99(ordered: list[float]) -> float:
    return round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))], 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    rng = random.Random(14)
    with tempfile.TemporaryDirectory() as directory:
        database = open_database(directory, args.database_url)
        build(database, args.articles, rng)
        asked = queries(rng, args.queries)
        timings, cpu, server, results = [], [], [], []
        with database.sessions() as session:
            for question in asked[:50]:  # warm the page cache and the statement cache
                find(session, question, Scope())
            backend = server_cpu(session)  # the session keeps its connection: one backend
            for index, question in enumerate(asked):
                scope = Scope(internal=index % 2 == 0)  # agents and the public alike
                started_server = backend() if backend else 0.0
                started, started_cpu = time.perf_counter(), time.thread_time()
                _, found = find(session, question, scope, limit=10)
                timings.append((time.perf_counter() - started) * 1000)
                cpu.append((time.thread_time() - started_cpu) * 1000)
                if backend:
                    server.append(backend() - started_server)
                results.append(len(found))
        database.dispose()
    # Client and server CPU together (per search, so before sorting): the work a search
    # costs, less the waits a loaded machine adds.
    both = sorted(c + s for c, s in zip(cpu, server, strict=True)) if server else []
    timings.sort()
    cpu.sort()
    server.sort()
    print(
        json.dumps(
            {
                "database": "postgresql" if args.database_url else "sqlite",
                "articles": args.articles + 12,
                "queries": len(asked),
                "search_ms_p50": round(statistics.median(timings), 2),
                "search_ms_p99": round(timings[min(len(timings) - 1, int(0.99 * len(timings)))], 2),
                "search_ms_max": round(timings[-1], 2),
                # This process's CPU time: what a loaded machine inflates least (on PostgreSQL
                # the server's work is not in it, only the wall time above).
                "search_cpu_ms_p50": round(statistics.median(cpu), 2),
                "search_cpu_ms_p99": round(cpu[min(len(cpu) - 1, int(0.99 * len(cpu)))], 2),
                **(
                    {
                        "server_cpu_ms_p50": round(statistics.median(server), 2),
                        "server_cpu_ms_p99": _p99(server),
                        "client_plus_server_cpu_ms_p99": _p99(both),
                    }
                    if server
                    else {}
                ),
                "results_per_query_mean": round(statistics.mean(results), 2),
                "zero_result_share": round(sum(r == 0 for r in results) / len(results), 3),
                "target_p99_ms": 20,
                "load_average": [round(x, 2) for x in os.getloadavg()],
            }
        )
    )


if __name__ == "__main__":
    main()
