"""Help-widget suggestion benchmark: ``kb.suggest.for_page`` (what ``/api/v1/kb/suggest`` runs
for every widget opened and every pause in typing) with R page rules over N articles.

Builds a fresh migrated SQLite database (or uses ``--database-url`` for PostgreSQL, whose
``kb_*`` tables it empties first), inserts the demo articles plus N synthetic public ones in
twenty categories, and R page rules (a third of them whole-URL patterns, a fifth naming a
category), then asks ``--queries`` times for a random page, half of them with a typed word or
two. Prints JSON: latency p50, p99 and max in ms for page-only and page-plus-typing asks,
articles per answer, and the machine's load average (comparable only at similar load).

    python bench/kb_widget.py [--articles 2000] [--rules 200] [--queries 1000] [--database-url URL]
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

from sqlalchemy import insert, select, text  # noqa: E402

from minidesk import db, migrate  # noqa: E402
from minidesk.kb.models import KbArticle, KbCategory  # noqa: E402
from minidesk.kb.seed import seed_demo_articles  # noqa: E402
from minidesk.kb.suggest import for_page  # noqa: E402
from minidesk.kb.widget_models import KbPageRule  # noqa: E402

SHOP = "https://shop.example"
WORDS = ["order", "shipping", "refund", "return", "gift", "card", "password", "invoice",
         "size", "warranty", "delivery", "address", "cancel", "battery", "lamp"]  # fmt: skip


def build(database: db.Database, articles: int, rules: int, rng: random.Random) -> None:
    now = db.utcnow()
    with database.transaction() as session:
        seed_demo_articles(session)
    with database.transaction() as session:
        session.execute(insert(KbCategory), [
            {"slug": f"bench-{c}", "name": f"Bench {c}", "description": "", "position": c,
             "created_at": now} for c in range(20)])  # fmt: skip
        categories = list(session.scalars(select(KbCategory.id)))
        session.execute(insert(KbArticle), [{
            "slug": f"bench-{i}", "locale": "en", "title": " ".join(rng.sample(WORDS, 3)),
            "body": " ".join(rng.choices(WORDS, k=60)), "tags": [], "visibility": "public",
            "status": "published", "url_rules": [], "version": 1, "category_id":
            rng.choice(categories), "created_at": now, "updated_at": now,
        } for i in range(articles)])  # fmt: skip
        ids = list(session.scalars(select(KbArticle.id)))
        rows = []
        for r in range(rules):
            pattern = f"{SHOP}/p{r}/*" if r % 3 == 0 else f"/p{r}*"
            target = ({"category_id": rng.choice(categories), "article_id": None} if r % 5 == 0
                      else {"article_id": rng.choice(ids), "category_id": None})  # fmt: skip
            rows.append({"pattern": pattern, "position": r % 7, "created_at": now, **target})
        if rows:
            session.execute(insert(KbPageRule), rows)


def run(database: db.Database, rules: int, n: int, rng: random.Random) -> dict[str, object]:
    timings: dict[str, list[float]] = {"page": [], "page_and_typed": []}
    found: list[int] = []
    with database.sessions() as session:
        for i in range(n):
            url = f"{SHOP}/p{rng.randrange(max(rules, 1) * 2)}/item?x=1"
            typed = " ".join(rng.sample(WORDS, rng.randint(1, 2))) if i % 2 else ""
            start = time.perf_counter()
            got = for_page(session, url, typed, None).articles
            timings["page_and_typed" if typed else "page"].append(
                (time.perf_counter() - start) * 1000
            )
            found.append(len(got))
    out: dict[str, object] = {}
    for name, values in timings.items():
        values.sort()
        out[name] = {
            "p50_ms": round(statistics.median(values), 2),
            "p99_ms": round(values[int(len(values) * 0.99) - 1], 2),
            "max_ms": round(values[-1], 2),
            "n": len(values),
        }
    out["articles_per_answer"] = round(statistics.mean(found), 2)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=2_000)
    parser.add_argument("--rules", type=int, default=200)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    rng = random.Random(14)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        migrate.upgrade(url)
        database = db.configure(url)
        if args.database_url:
            with database.transaction() as session:
                for table in ("kb_page_rules", "kb_widget_events", "kb_attachments",
                              "kb_searches", "kb_feedback", "kb_article_versions",
                              "kb_articles", "kb_categories"):  # fmt: skip
                    session.execute(text(f"DELETE FROM {table}"))
        build(database, args.articles, args.rules, rng)
        result = {
            "articles": args.articles,
            "rules": args.rules,
            **run(database, args.rules, args.queries, rng),
            "load_average": [round(x, 2) for x in os.getloadavg()],
        }
        database.dispose()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
