"""CPU per message of the inbound pipeline, stage by stage; prints one JSON object.

    python bench/ingest_cpu.py [--messages 2000] [--profile 25]

Wall-clock throughput on a shared machine says more about the neighbours than about the
code; CPU time (``time.process_time``) of one thread processing a fixed set of accepted
messages does not. The messages are ``bench/ingest.py``'s, accepted into a fresh SQLite
database and then processed in the pipeline's batches by this one thread. Stages:
``triage`` (``analyse_many``: intent model, sentiment, language, entities, priority), of
which ``encoder`` (the sentence encoder's forward passes), and ``write`` (the rest of
``process_batch``: the transaction that stores customers, tickets, messages and events),
then ``listeners`` (every feature's listeners on the events those batches emitted, in
batches of 64 as the ``dispatch_events`` job gets them from the coalescer), with
``listener_cpu_ms_per_message`` splitting that by listener (each one's own calls, the
savepoint ``dispatch_many`` wraps it in counted under ``dispatch``).
``--profile N`` adds cProfile's N most expensive functions (cumulative) of the pipeline, or
of the listeners with ``--profile-stage listeners``.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Running a script puts its folder first on sys.path, where bench/email.py would shadow the
# standard library's `email`; last, it still finds bench/ingest.py.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.append(sys.path.pop(0))

import argparse
import cProfile
import datetime as dt
import functools
import gc
import io
import json
import pstats
import tempfile
import time
from collections.abc import Callable
from typing import Any

import ingest  # bench/ingest.py: the same message bodies

from minidesk import db, events, features, inbox, jobs, migrate, pipeline, settings
from minidesk.channels.base import InboundMessage, Sender
from minidesk.events import registry
from minidesk.triage import encoder


class _Meter:
    """Accumulated process time spent inside the wrapped callables."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0

    def wrap(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds += time.process_time() - t0
                self.calls += 1

        return timed


def _meter_listeners() -> dict[str, _Meter]:
    """Wrap every registered listener in a meter of its own, by qualified name."""
    meters: dict[str, _Meter] = {}
    for registered in registry._listeners.values():
        for i, entry in enumerate(registered):
            name = f"{entry.fn.__module__.removeprefix('minidesk.')}.{entry.fn.__qualname__}"
            meter = meters.setdefault(name, _Meter())
            registered[i] = entry._replace(fn=functools.wraps(entry.fn)(meter.wrap(entry.fn)))
    return meters


def _accept(database: db.Database, count: int, customers: int, prefix: str) -> list[int]:
    ids = []
    for i in range(count):
        data = ingest.body(i, customers, prefix)
        message = InboundMessage(
            channel="api",
            external_id=str(data["external_id"]),
            sender=Sender(email=f"bench{i % customers}@example.com"),
            text=str(data["text"]),
        )
        ids.append(inbox.accept(message, db=database).inbox_id)
    return ids


def _dispatch_all(database: db.Database) -> int:
    """Run the listeners of every undispatched event, 64 at a time; how many events."""
    with database.transaction() as session:
        ids = events.undispatched(session, dt.datetime.now(dt.UTC) + dt.timedelta(1), 10**9)
    for start in range(0, len(ids), 64):
        with database.transaction() as session:
            events.dispatch_many(session, ids[start : start + 64])
    return len(ids)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument(
        "--batch",
        type=int,
        default=pipeline.BATCH_SIZE,
        help="messages per pipeline batch (the default path at concurrency 16 makes ~8-16)",
    )
    parser.add_argument("--profile", type=int, default=0, help="top N functions (0: none)")
    parser.add_argument("--profile-stage", choices=["pipeline", "listeners"], default="pipeline")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{scratch}/cpu.db"
        current = settings.configure(
            settings.load_settings(database_url=url, secret_key="bench" * 8, queue_url="memory://")
        )
        migrate.upgrade(url)
        database = db.configure(url)
        jobs.configure(current)  # a queue nobody consumes: listeners run below, measured
        features.load_listeners()
        # Warm-up outside the measurement: model and encoder weights, regexes, first queries.
        warm = _accept(database, pipeline.BATCH_SIZE, args.customers, "warm-up")
        pipeline.process_batch(warm, database)
        _dispatch_all(database)
        # As ``minidesk worker`` does after its warm-up: the model's long-lived objects leave
        # the collector's passes, which otherwise stall the measured batches (~15% of them).
        gc.freeze()
        ids = _accept(database, args.messages, args.customers, "bench")

        triage, encode = _Meter(), _Meter()
        pipeline.analyse_many = triage.wrap(pipeline.analyse_many)  # type: ignore[attr-defined]
        enc = encoder.get_encoder(encoder.MUSE)
        enc.encode = encode.wrap(enc.encode)  # type: ignore[method-assign]
        profiler = cProfile.Profile() if args.profile else None
        on_pipeline = profiler if args.profile_stage == "pipeline" else None
        on_listeners = profiler if args.profile_stage == "listeners" else None
        t0 = time.process_time()
        if on_pipeline:
            on_pipeline.enable()
        for start in range(0, len(ids), args.batch):
            pipeline.process_batch(ids[start : start + args.batch], database)
        if on_pipeline:
            on_pipeline.disable()
        total = time.process_time() - t0
        meters = _meter_listeners()
        t1 = time.process_time()
        if on_listeners:
            on_listeners.enable()
        dispatched = _dispatch_all(database)
        if on_listeners:
            on_listeners.disable()
        listening = time.process_time() - t1
    n = len(ids)
    per = 1000 / n
    out: dict[str, Any] = {
        "messages": n,
        "batch_size": args.batch,
        "cpu_ms_per_message": {
            "total": round(total * per, 3),
            "triage": round(triage.seconds * per, 3),
            "encoder": round(encode.seconds * per, 3),
            "write": round((total - triage.seconds) * per, 3),
            "listeners": round(listening * per, 3),
            "all": round((total + listening) * per, 3),
        },
        "listener_cpu_ms_per_message": {
            "dispatch": round((listening - sum(m.seconds for m in meters.values())) * per, 3),
            **{
                name: round(meter.seconds * per, 3)
                for name, meter in sorted(meters.items(), key=lambda kv: -kv[1].seconds)
                if meter.calls
            },
        },
        "encoder_calls": encode.calls,
        "events_dispatched": dispatched,
    }
    if profiler:
        buf = io.StringIO()
        pstats.Stats(profiler, stream=buf).sort_stats("cumulative").print_stats(args.profile)
        out["profile"] = buf.getvalue().splitlines()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
