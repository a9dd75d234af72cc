"""Ingest benchmark: inbound API messages through the full pipeline on SQLite.

Three figures, each printed as JSON:
- ``http``: a real ``minidesk serve`` (uvicorn, embedded workers) receiving N messages from
  concurrent clients in this process; a 202 means accepted *and* processed (the API channel
  processes inline), so its latency is accept → committed ticket.
- ``accept``: ``inbox.accept()`` alone (what the SMTP listener and webhooks pay per message).
- ``drain``: rows accepted but unprocessed, drained by worker threads (``processed/s``).

    python bench/ingest.py --messages 20000 --concurrency 32
"""

from __future__ import annotations

import sys
from pathlib import Path

# Running a script puts its folder first on sys.path, where bench/email.py would shadow the
# standard library's `email` (which httpx needs).
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import argparse
import asyncio
import datetime as dt
import json
import os
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time

import httpx

TEXTS = [
    "Where is my order #{n}? It should have arrived by now.",
    "I want to cancel order {n}, please.",
    "Can I get the invoice for order #{n}?",
    "My package {n} arrived damaged, I want a refund.",
    "How do I change the delivery address on {n}?",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_healthy(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz").status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not become healthy in {seconds} s")


def body(i: int, customers: int) -> dict[str, object]:
    return {
        "customer": {"email": f"bench{i % customers}@example.com", "name": f"C {i}"},
        "text": TEXTS[i % len(TEXTS)].format(n=1000 + i),
        "external_id": f"bench-{i}",
    }


async def post_all(
    url: str, token: str, count: int, concurrency: int, customers: int, asynchronous: bool
) -> tuple[list[float], float, int]:
    latencies: list[float] = []
    failures = 0
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(count):
        queue.put_nowait(i)
    headers = {"Authorization": f"Bearer {token}"}
    if asynchronous:
        headers["Prefer"] = "respond-async"
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async with httpx.AsyncClient(
        base_url=url, headers=headers, limits=limits, timeout=60
    ) as client:

        async def worker() -> None:
            nonlocal failures
            while not queue.empty():
                i = queue.get_nowait()
                start = time.perf_counter()
                response = await client.post("/api/v1/inbound/messages", json=body(i, customers))
                latencies.append(time.perf_counter() - start)
                expected = "queued" if asynchronous else "processed"
                if response.status_code != 202 or response.json()["status"] != expected:
                    failures += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return latencies, elapsed, failures


def bench_http(
    workdir: Path,
    count: int,
    concurrency: int,
    customers: int,
    asynchronous: bool,
    worker_process: bool = False,
) -> dict[str, object]:
    """One ``minidesk serve`` on a fresh SQLite file, its jobs on 2 embedded threads or, with
    ``worker_process``, in a separate ``minidesk worker`` (the other core, its own GIL)."""
    mode = "async" if asynchronous else "sync"
    database = workdir / f"http-{mode}-{'worker' if worker_process else 'embedded'}.db"
    env = {
        **os.environ,
        "MINIDESK_DATABASE_URL": f"sqlite:///{database}",
        "MINIDESK_SECRET_KEY": "bench",
        "MINIDESK_LOG_LEVEL": "warning",
    }
    cli = [sys.executable, "-m", "minidesk"]
    subprocess.run([*cli, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run(
        [*cli, "user", "create", "bench@shop.example", "--role", "admin"],
        env=env,
        check=True,
        capture_output=True,
        input=b"bench-password-123\n",
    )
    token = (
        subprocess.run(
            [*cli, "token", "create", "bench@shop.example"],
            env=env,
            check=True,
            capture_output=True,
        )
        .stdout.decode()
        .strip()
    )
    port = free_port()
    log_path = Path(os.environ.get("BENCH_SERVER_LOG", workdir / f"server-{mode}.log"))
    with log_path.open("wb") as log:
        if worker_process:
            env["MINIDESK_WORKERS"] = "0"
        server = subprocess.Popen(
            [*cli, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=log
        )
        worker = (
            subprocess.Popen([*cli, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=log)
            if worker_process
            else None
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_healthy(url)
            latencies, elapsed, failures = asyncio.run(
                post_all(url, token, count, concurrency, customers, asynchronous)
            )
            drained = wait_until_processed(database, count)
        except httpx.HTTPError:
            sys.stderr.write(log_path.read_text()[-3000:])
            raise
        finally:
            for process in (server, worker):
                if process is not None:
                    process.terminate()
                    process.wait(timeout=30)
    result: dict[str, object] = {
        "mode": mode,
        "jobs": "worker process" if worker_process else "embedded threads",
        "messages": count,
        "concurrency": concurrency,
        "failures": failures,
        "accepted_per_s": round(count / elapsed, 1),
        "accept_p50_ms": round(percentile(latencies, 0.50) * 1000, 2),
        "accept_p99_ms": round(percentile(latencies, 0.99) * 1000, 2),
    }
    result.update(drained)
    return result


def wait_until_processed(database: Path, count: int, seconds: float = 900) -> dict[str, float]:
    """Wait for the server's workers; processing figures come from the rows' own times."""
    deadline = time.monotonic() + seconds
    with sqlite3.connect(database) as connection:
        while time.monotonic() < deadline:
            done = connection.execute(
                "SELECT count(*) FROM inbox WHERE status = 'done'"
            ).fetchone()[0]
            if done >= count:
                break
            time.sleep(0.5)
        rows = connection.execute(
            "SELECT received_at, processed_at FROM inbox WHERE status = 'done'"
        ).fetchall()
    received = [dt.datetime.fromisoformat(r) for r, _ in rows]
    processed = [dt.datetime.fromisoformat(p) for _, p in rows]
    lags = [(p - r).total_seconds() for r, p in zip(received, processed, strict=True)]
    span = (max(processed) - min(received)).total_seconds()
    return {
        "processed": len(rows),
        "processed_per_s": round(len(rows) / span, 1),
        "accept_to_ticket_p50_ms": round(percentile(lags, 0.50) * 1000, 1),
        "accept_to_ticket_p99_ms": round(percentile(lags, 0.99) * 1000, 1),
    }


def bench_components(
    workdir: Path, count: int, threads: int, customers: int
) -> dict[str, dict[str, float]]:
    from minidesk import db, inbox, jobs, migrate, pipeline, settings
    from minidesk.channels.base import InboundMessage, Sender

    url = f"sqlite:///{workdir}/components.db"
    current = settings.configure(
        settings.load_settings(database_url=url, secret_key="bench", queue_url="memory://")
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
        while True:
            with lock:
                inbox_id = next(cursor, None)
            if inbox_id is None:
                return
            pipeline.process(inbox_id, database)

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
        help="messages for the processed-inline (sync) run",
    )
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="drain worker threads")
    parser.add_argument("--customers", type=int, default=2_000)
    parser.add_argument("--only", choices=["http", "components"], default=None)
    args = parser.parse_args()
    results: dict[str, object] = {"database": "sqlite"}
    with tempfile.TemporaryDirectory() as scratch:
        workdir = Path(scratch)
        if args.only in (None, "http"):
            for worker_process in (False, True):
                jobs = "worker" if worker_process else "embedded"
                results[f"http_async_{jobs}"] = bench_http(
                    workdir,
                    args.messages,
                    args.concurrency,
                    args.customers,
                    asynchronous=True,
                    worker_process=worker_process,
                )
                results[f"http_sync_{jobs}"] = bench_http(
                    workdir,
                    args.sync_messages,
                    args.concurrency,
                    args.customers,
                    asynchronous=False,
                    worker_process=worker_process,
                )
        if args.only in (None, "components"):
            results.update(bench_components(workdir, args.messages, args.threads, args.customers))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
