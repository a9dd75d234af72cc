"""The bot's "answer from an article?" benchmark: ``kb.answers.best_answer`` on words alone
(``semantic=False``, as before issue 14) and on words and meaning (the question embedded,
the nearest stored article embeddings added as candidates, cosines mixed in), over the same
questions back to back, so the two are measured in the same conditions.

Builds the articles as ``bench/kb.py`` does (the demo articles plus N synthetic ones), stores
every article's embedding (timed: what a bulk import costs), then asks ``--questions``
questions alternating the two modes. Prints JSON: latency p50 and p99 in ms per mode, the
embedding time per article, and the machine's load average.

    python bench/kb_answers.py [--articles 2000] [--questions 400] [--database-url URL]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import argparse  # noqa: E402 (the sys.path fix above must run first)
import importlib.util  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

from sqlalchemy import select  # noqa: E402

from minidesk import db  # noqa: E402
from minidesk.kb.answers import best_answer  # noqa: E402
from minidesk.kb.embeddings import ENCODER, article_text, embed  # noqa: E402
from minidesk.kb.models import KbArticle, KbArticleEmbedding  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_kb", Path(__file__).with_name("kb.py"))
assert _spec is not None and _spec.loader is not None
bench_kb = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_kb)
BATCH = 64


def embed_all(database: db.Database) -> tuple[int, float]:
    """Store every article's embedding; (articles, seconds)."""
    started = time.perf_counter()
    with database.transaction() as session:
        stored = set(session.scalars(select(KbArticleEmbedding.article_id)))
        missing = [a for a in session.scalars(select(KbArticle)) if a.id not in stored]
        for start in range(0, len(missing), BATCH):
            chunk = missing[start : start + BATCH]
            vectors = embed([article_text(a) for a in chunk])
            for article, vector in zip(chunk, vectors, strict=True):
                session.add(KbArticleEmbedding(
                    article_id=article.id, encoder=ENCODER, version=article.version,
                    vector=vector.tobytes(),
                ))  # fmt: skip
    return len(missing), time.perf_counter() - started


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2_000)
    parser.add_argument("--questions", type=int, default=400)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    rng = random.Random(14)
    with tempfile.TemporaryDirectory() as directory:
        database = bench_kb.open_database(directory, args.database_url)
        bench_kb.build(database, args.articles, rng)
        embedded, seconds = embed_all(database)
        asked = bench_kb.queries(rng, args.questions)
        timings: dict[bool, list[float]] = {False: [], True: []}
        with database.sessions() as session:
            for question in asked[:20]:  # warm caches and the encoder
                best_answer(session, question)
            for index, question in enumerate(asked):
                semantic = index % 2 == 1
                started = time.perf_counter()
                best_answer(session, question, semantic=semantic)
                timings[semantic].append((time.perf_counter() - started) * 1000)
        database.dispose()
    print(json.dumps({
        "database": "postgresql" if args.database_url else "sqlite",
        "articles_embedded": embedded,
        "questions": len(asked),
        "embed_ms_per_article": round(seconds * 1000 / max(embedded, 1), 2),
        "words_ms_p50": round(statistics.median(timings[False]), 2),
        "words_ms_p99": _p(timings[False], 0.99),
        "words_and_meaning_ms_p50": round(statistics.median(timings[True]), 2),
        "words_and_meaning_ms_p99": _p(timings[True], 0.99),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }))  # fmt: skip


if __name__ == "__main__":
    main()
