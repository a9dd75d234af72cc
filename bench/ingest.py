"""Ingest benchmark: inbound API messages through the full pipeline on SQLite.

Each figure is printed as JSON:
- ``http_async_*``: a real ``minidesk serve`` receiving N messages with ``Prefer:
  respond-async`` from a lean keep-alive load generator (bench/loadgen.py), its jobs on the
  embedded worker threads (``embedded``), in a separate ``minidesk worker`` process with
  ``MINIDESK_WORKERS=0`` (``worker``), or in two (``split``: ``--role inbound`` for the
  pipeline, ``--role jobs`` for listeners and the rest, both niced alike). ``accepted_per_s``
  and the accept latencies are the client's view; ``processed_per_s``, accept → ticket and
  ``messages_per_batch`` come from the inbox rows' own times.
- ``http_sync_*``: the same without ``Prefer`` (processed inline, so a 202 carries the ticket).
- ``accept``: ``inbox.accept()`` alone (what the SMTP listener and webhooks pay per message).
- ``drain``: rows accepted but unprocessed, drained by worker threads (``processed/s``).

    python bench/ingest.py --messages 20000 --concurrency 32
"""

from __future__ import annotations

import sys
from pathlib import Path

# Running a script puts its folder first on sys.path, where bench/email.py would shadow the
# standard library's `email` (which urllib needs); last, it still finds bench/loadgen.py.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.append(sys.path.pop(0))

import argparse
import datetime as dt
import itertools
import json
import os
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

import loadgen

TEXTS = [
    "Where is my order #{n}? It should have arrived by now.",
    "I want to cancel order {n}, please.",
    "Can I get the invoice for order #{n}?",
    "My package {n} arrived damaged, I want a refund.",
    "How do I change the delivery address on {n}?",
]
PATH = "/api/v1/inbound/messages"
WORKER_NICE = 10
JOBS = {
    "embedded": "embedded threads",
    "worker": "worker process",
    "split": "worker processes: --role inbound, --role jobs",
    "none": "none (accept only)",
}
# Worker processes per ``--jobs`` choice: (``minidesk worker --role``, nice level). Split,
# both workers at one level: a listeners' worker niced below the inbound one is starved while
# it holds SQLite's write lock (a transaction cannot be interrupted), and the inbound batch
# that requests wait for waits for it (medians of 3 at 64 clients: 778 → 862/s, p99 148 →
# 133 ms; at 16, p99 194 → 129 ms). ``--jobs-nice`` sets it apart again.
WORKERS = {
    "worker": [("all", WORKER_NICE)],
    "split": [("inbound", WORKER_NICE), ("jobs", WORKER_NICE)],
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_healthy(url: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):  # still starting
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not become healthy in {seconds} s")


def cpu_seconds(pid: int) -> float:
    """User + system CPU a process has used (Linux /proc); 0 where that is unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    try:  # `serve --workers N`: the web processes are the supervisor's children
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    return own + sum(cpu_seconds(int(child)) for child in children)


def body(i: int, customers: int, prefix: str = "bench") -> dict[str, object]:
    return {
        "customer": {"email": f"bench{i % customers}@example.com", "name": f"C {i}"},
        "text": TEXTS[i % len(TEXTS)].format(n=1000 + i),
        "external_id": f"{prefix}-{i}",
    }


def requests(
    url: str, token: str, count: int, customers: int, asynchronous: bool, prefix: str = "bench"
) -> list[bytes]:
    """Every request's bytes, built before the clock starts."""
    host = url.split("://", 1)[1]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if asynchronous:
        headers["Prefer"] = "respond-async"
    return [
        loadgen.build_request(
            host, "POST", PATH, headers, json.dumps(body(i, customers, prefix)).encode()
        )
        for i in range(count)
    ]


def prepare(env: dict[str, str]) -> str:
    """Schema, an admin and an integration token of theirs (a shop's app posting its
    customers' messages, so they arrive verified) on the database ``env`` names."""
    cli = [sys.executable, "-m", "minidesk"]
    subprocess.run([*cli, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run(
        [*cli, "user", "create", "bench@shop.example", "--role", "admin"],
        env=env,
        check=True,
        capture_output=True,
        input=b"bench-password-123\n",
    )
    created = subprocess.run(
        [*cli, "token", "create", "bench@shop.example", "--integration", "bench"],
        env=env,
        check=True,
        capture_output=True,
    )
    return created.stdout.decode().strip()


def bench_http(
    workdir: Path,
    count: int,
    concurrency: int,
    customers: int,
    asynchronous: bool,
    jobs: str = "embedded",
    rate: float = 0,
    listeners: bool = True,
    web_workers: int = 1,
) -> dict[str, object]:
    """One ``minidesk serve --workers web_workers`` on a fresh SQLite file, its jobs on 2
    embedded threads, in a
    separate ``minidesk worker`` (``jobs="worker"``: the other core, its own GIL), or nowhere
    (``jobs="none"``: the accept path alone, rows stay pending)."""
    mode = "async" if asynchronous else "sync"
    database = workdir / f"http-{mode}-{jobs}.db"
    env = {
        **os.environ,
        "MINIDESK_DATABASE_URL": f"sqlite:///{database}",
        "MINIDESK_SECRET_KEY": "bench" * 8,
        "MINIDESK_LOG_LEVEL": "warning",
    }
    token = prepare(env)
    if jobs != "embedded":
        env["MINIDESK_WORKERS"] = "0"  # serve runs no job threads
    cli = [sys.executable, "-m", "minidesk"]
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = Path(os.environ.get("BENCH_SERVER_LOG", workdir / f"server-{mode}-{jobs}.log"))
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [*cli, "serve", "--port", str(port), "--workers", str(web_workers)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        # The worker runs niced, as README advises when web and workers share a machine:
        # accepts are what clients wait for; the worker takes the CPU they leave.
        workers = [
            subprocess.Popen(
                # ``--role all`` is the default: left out, so older checkouts run too.
                ["nice", "-n", str(nice), *cli, "worker", *(["--role", role] * (role != "all"))],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
            for role, nice in WORKERS.get(jobs, [])
        ]
        try:
            wait_until_healthy(url)
            # Warm-up (lazy imports, first connections, the intent model), left out of every
            # figure: its rows have their own external_id prefix.
            warm = requests(url, token, 50, customers, asynchronous, prefix="warm")
            loadgen.run_blocking(url, warm, 4, lambda status, _body: None)
            if jobs != "none":
                wait_until_processed(database, len(warm), prefix="warm", seconds=60)
            expected = "queued" if asynchronous else "processed"
            check = loadgen.json_status_check(202, {"status": expected})
            cpu_before = cpu_seconds(server.pid)
            workers_before = [cpu_seconds(worker.pid) for worker in workers]
            worker_before = sum(workers_before)
            load = loadgen.run_blocking(
                url,
                requests(url, token, count, customers, asynchronous),
                concurrency,
                check,
                rate or None,
            )
            server_cpu = cpu_seconds(server.pid) - cpu_before
            drained = wait_until_processed(database, count) if jobs != "none" else {}
            if workers:
                # CPU per message rather than wall time: on a shared machine, what the same
                # work would need on a free core.
                worker_cpu = sum(cpu_seconds(worker.pid) for worker in workers) - worker_before
                drained["worker_cpu_ms_per_message"] = round(worker_cpu * 1000 / count, 3)
                for (role, _), worker, before in zip(
                    WORKERS[jobs], workers, workers_before, strict=True
                ):
                    spent = cpu_seconds(worker.pid) - before
                    drained[f"{role}_cpu_ms_per_message"] = round(spent * 1000 / count, 3)
            if jobs != "none" and listeners:
                drained.update(wait_until_listened(database, count))
        except Exception:
            sys.stderr.write(log_path.read_text()[-3000:])
            raise
        finally:
            for process in (server, *workers):
                process.terminate()
                process.wait(timeout=30)
    result: dict[str, object] = {
        "mode": mode,
        "web_processes": web_workers,
        "jobs": JOBS[jobs],
        "messages": count,
        "concurrency": concurrency,
        "load": f"open loop, {rate:g}/s offered" if rate else "closed loop",
        "failures": load.failures,
        "accepted_per_s": round(count / load.elapsed, 1),
        "accept_p50_ms": round(percentile(load.latencies, 0.50) * 1000, 2),
        "accept_p99_ms": round(percentile(load.latencies, 0.99) * 1000, 2),
        # Everything the serve process did meanwhile (with embedded jobs, their share too).
        "server_cpu_ms_per_request": round(server_cpu * 1000 / count, 3),
    }
    if load.first_failure:
        result["first_failure"] = load.first_failure
    result.update(drained)
    return result


def _ours(prefix: str, column: str = "external_id") -> str:
    """Rows of this run: the API stores an external id under its client's name
    (``integration:bench:bench-1``); the components run accepts ``bench-1`` as it is."""
    return f"({column} LIKE '{prefix}-%' OR {column} LIKE '%:{prefix}-%')"


def wait_until_processed(
    database: Path, count: int, prefix: str = "bench", seconds: float = 900
) -> dict[str, float]:
    """Wait for the server's workers; processing figures come from the rows' own times."""
    query = f"SELECT received_at, processed_at FROM inbox WHERE status = 'done' AND {_ours(prefix)}"
    found = _wait_for(database, query, count, seconds, "processed", "ticket", poll=0.2)
    # A batch's rows share their processed_at (one timestamp per batch): batch size drives
    # the pipeline's CPU per message.
    with sqlite3.connect(database) as connection:
        sizes = connection.execute(
            f"SELECT count(*) FROM inbox WHERE status = 'done' AND {_ours(prefix)} "
            "GROUP BY processed_at"
        ).fetchall()
    found["messages_per_batch"] = round(sum(n for (n,) in sizes) / max(1, len(sizes)), 1)
    return found


def wait_until_listened(
    database: Path, count: int, prefix: str = "bench", seconds: float = 900
) -> dict[str, float]:
    """Wait for the listeners (rules, resolution flows, replies) of every message: a message
    is through them when its ``message.received`` event has been dispatched. Workers take
    inbound jobs first, so under a burst this lags the tickets and catches up after."""
    query = (
        "SELECT i.received_at, e.dispatched_at FROM inbox i JOIN events e"
        " ON e.message_id = i.message_id AND e.kind = 'message.received'"
        f" WHERE {_ours(prefix, 'i.external_id')} AND e.dispatched_at IS NOT NULL"
    )
    return _wait_for(database, query, count, seconds, "listened", "listeners_done", poll=0.5)


def _wait_for(
    database: Path, query: str, count: int, seconds: float, name: str, stage: str, poll: float
) -> dict[str, float]:
    """Poll ``query`` (rows of accepted-at, reached-at) until ``count`` rows; the rate and
    latency of reaching that stage, from the rows' own times."""
    deadline = time.monotonic() + seconds
    with sqlite3.connect(database) as connection:
        while time.monotonic() < deadline:
            rows = connection.execute(query).fetchall()
            if len(rows) >= count:
                break
            time.sleep(poll)
    if not rows:
        raise SystemExit(f"no message {name} within {seconds:.0f} s: is the worker running?")
    received = [dt.datetime.fromisoformat(r) for r, _ in rows]
    reached = [dt.datetime.fromisoformat(d) for _, d in rows]
    lags = [(d - r).total_seconds() for r, d in zip(received, reached, strict=True)]
    span = (max(reached) - min(received)).total_seconds()
    return {
        name: len(rows),
        f"{name}_per_s": round(len(rows) / span, 1),
        f"accept_to_{stage}_p50_ms": round(percentile(lags, 0.50) * 1000, 1),
        f"accept_to_{stage}_p99_ms": round(percentile(lags, 0.99) * 1000, 1),
    }


def bench_components(
    workdir: Path, count: int, threads: int, customers: int
) -> dict[str, dict[str, float]]:
    from minidesk import db, inbox, jobs, migrate, pipeline, settings
    from minidesk.channels.base import InboundMessage, Sender

    url = f"sqlite:///{workdir}/components.db"
    current = settings.configure(
        settings.load_settings(database_url=url, secret_key="bench" * 8, queue_url="memory://")
    )
    migrate.upgrade(url)
    database = db.configure(url)
    jobs.configure(current)  # a queue nobody consumes: accept only stores and hints
    accept_latencies: list[float] = []
    ids: list[int] = []
    started = time.perf_counter()
    for i in range(count):
        data = body(i, customers)
        message = InboundMessage(
            channel="api",
            external_id=str(data["external_id"]),
            sender=Sender(email=f"bench{i % customers}@example.com"),
            text=str(data["text"]),
        )
        t0 = time.perf_counter()
        ids.append(inbox.accept(message, db=database).inbox_id)
        accept_latencies.append(time.perf_counter() - t0)
    accept_elapsed = time.perf_counter() - started

    lock = threading.Lock()
    cursor = iter(ids)

    def drain() -> None:
        # Batches as the workers take them (jobs hand process_batch coalesced ids).
        while True:
            with lock:
                batch = list(itertools.islice(cursor, pipeline.BATCH_SIZE))
            if not batch:
                return
            pipeline.process_batch(batch, database)

    started = time.perf_counter()
    workers = [threading.Thread(target=drain) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    drain_elapsed = time.perf_counter() - started
    return {
        "accept": {
            "messages": count,
            "accepted_per_s": round(count / accept_elapsed, 1),
            "p50_ms": round(percentile(accept_latencies, 0.5) * 1000, 2),
            "p99_ms": round(percentile(accept_latencies, 0.99) * 1000, 2),
        },
        "drain": {
            "messages": count,
            "threads": threads,
            "processed_per_s": round(count / drain_elapsed, 1),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument(
        "--sync-messages",
        type=int,
        default=2_000,
        help="messages for the processed-inline (sync) run; 0 skips it",
    )
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument(
        "--rate",
        type=float,
        default=0,
        help="offer this many requests/s (open loop: latency at that load) instead of sending "
        "as fast as answers come (closed loop: the most the server sustains)",
    )
    parser.add_argument(
        "--web-workers",
        type=int,
        default=1,
        help="`minidesk serve --workers N` (N > 1 needs --jobs worker: serve then runs no jobs)",
    )
    parser.add_argument("--threads", type=int, default=2, help="drain worker threads")
    parser.add_argument("--customers", type=int, default=2_000)
    parser.add_argument("--only", choices=["http", "components"], default=None)
    parser.add_argument(
        "--jobs",
        choices=[*JOBS, "both"],
        default="both",
        help="where the HTTP runs process jobs: serve's threads, a `minidesk worker` (both: "
        "one run each), or none (the accept path alone; sync requests still process inline)",
    )
    parser.add_argument(
        "--no-listeners",
        action="store_true",
        help="stop at committed tickets; don't wait for rules, flows and replies to finish",
    )
    parser.add_argument(
        "--jobs-nice",
        type=int,
        default=WORKERS["split"][1][1],
        help="nice level of the listeners' worker with --jobs split",
    )
    args = parser.parse_args()
    WORKERS["split"] = [WORKERS["split"][0], ("jobs", args.jobs_nice)]
    if args.web_workers > 1 and args.jobs not in WORKERS:
        parser.error("--web-workers > 1 runs no embedded jobs: use --jobs worker or split")
    results: dict[str, object] = {"database": "sqlite"}
    with tempfile.TemporaryDirectory() as scratch:
        workdir = Path(scratch)
        if args.only in (None, "http"):
            for jobs in JOBS:
                if args.jobs != jobs and (
                    args.jobs != "both" or jobs not in ("embedded", "worker")
                ):
                    continue
                # Async first, then the default (sync) path; a count of 0 skips either.
                for mode, count in (("async", args.messages), ("sync", args.sync_messages)):
                    if count:
                        results[f"http_{mode}_{jobs}"] = bench_http(
                            workdir,
                            count,
                            args.concurrency,
                            args.customers,
                            asynchronous=mode == "async",
                            jobs=jobs,
                            rate=args.rate,
                            listeners=not args.no_listeners,
                            web_workers=args.web_workers,
                        )
        if args.only in (None, "components"):
            results.update(bench_components(workdir, args.messages, args.threads, args.customers))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
