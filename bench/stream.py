"""Realtime fan-out benchmark: N agents connected to /api/v1/stream, a ticket change made
through the API reaches every one of them.

Starts ``--processes`` web processes (uvicorn, as ``minidesk serve --workers N`` does) on a
fresh SQLite database (or ``--database-url``), connects ``--agents`` WebSocket clients spread
over them from ``--client-processes`` asyncio processes, each following the view ``all``, then
changes one ticket's priority ``--changes`` times through process 0's API. Fan-out latency
is measured per agent and change, from just before the PATCH is sent to the agent's receipt
(so it includes the HTTP request and the commit). Prints one JSON object: ``p50_ms``,
``p99_ms``, ``max_ms``, ``received``/``expected``, the web processes' CPU time per change
(``web_cpu_ms_per_change``: the figure to compare on a loaded machine), and memory (web
processes' RSS before and after connecting, the increase per connection).

    python bench/stream.py --agents 500 --changes 30
"""

from __future__ import annotations

import sys
from pathlib import Path

# Running a script puts its folder first on sys.path, where bench/email.py would shadow the
# standard library's `email`.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import argparse
import asyncio
import json
import multiprocessing
import os
import subprocess
import tempfile
import time
from typing import Any

import httpx
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

SRC = Path(__file__).resolve().parents[1] / "src"
sys.path.insert(0, str(SRC))

SECRET = "bench-secret-key-of-32-bytes-or-more!"
OPENING = 20


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def rss_kib(pid: int) -> int:
    for row in Path(f"/proc/{pid}/status").read_text().splitlines():
        if row.startswith("VmRSS:"):
            return int(row.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used (``/proc/PID/stat``): on a shared, loaded
    machine, what the servers spent says more than how long the clients waited."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def prepare(database_url: str, agents: int) -> tuple[list[str], str, int]:
    """Migrate, create ``agents`` users with a token each and one ticket; returns the
    agents' tokens, an admin's token and the ticket number."""
    from minidesk import db, inbox, migrate, settings
    from minidesk.channels.base import InboundMessage, Sender
    from minidesk.desk import users
    from minidesk.desk.models import Role
    from minidesk.events import SYSTEM
    from minidesk.pipeline import process

    migrate.upgrade(database_url)
    settings.configure(
        settings.load_settings(database_url=database_url, secret_key=SECRET, queue_url="memory://")
    )
    database = db.configure(database_url)
    with database.transaction() as session:
        tokens = []
        for n in range(agents):
            user = users.do_create_user(session, f"agent{n}@bench.example", Role.AGENT, SYSTEM)
            tokens.append(users.do_create_token(session, user, SYSTEM, "bench")[1])
        admin = users.do_create_user(session, "admin@bench.example", Role.ADMIN, SYSTEM)
        admin_token = users.do_create_token(session, admin, SYSTEM, "bench")[1]
    accepted = inbox.accept(
        InboundMessage(
            channel="api", external_id="bench-1", sender=Sender(email="e@example.com"), text="hi"
        )
    )
    process(accepted.inbox_id)
    with database.sessions() as session:
        ticket = session.get_one(inbox.InboxItem, accepted.inbox_id).ticket_id
    assert ticket is not None
    database.dispose()
    return tokens, admin_token, ticket


async def _agents(
    urls: list[str], tokens: list[str], ready: Any, changes: int
) -> list[list[float]]:
    async def one(url: str, token: str) -> list[float]:
        ws_url = url.replace("http", "ws", 1) + "/api/v1/stream"
        async with opening:  # a few handshakes at a time, as agents arrive over a morning
            socket = await connect(
                ws_url,
                additional_headers={"Authorization": f"Bearer {token}"},
                max_queue=None,
                open_timeout=120,
            )
        async with socket:
            await socket.send(json.dumps({"op": "subscribe", "view": "all"}))
            try:
                while json.loads(await socket.recv()).get("type") != "subscribed":
                    pass
            except ConnectionClosed as closed:
                print(f"closed before subscribing: {closed}", file=sys.stderr)
                raise
            ready.release()
            arrivals = []
            while len(arrivals) < changes:
                message = json.loads(await socket.recv())
                if message.get("type") == "ticket.updated":
                    arrivals.append(time.time())
            return arrivals

    opening = asyncio.Semaphore(OPENING)
    tasks = [one(urls[i % len(urls)], token) for i, token in enumerate(tokens)]
    return list(await asyncio.gather(*tasks))


def client_process(urls: list[str], tokens: list[str], ready: Any, changes: int, out: Any) -> None:
    out.put(asyncio.run(_agents(urls, tokens, ready, changes)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agents", type=int, default=500)
    parser.add_argument("--changes", type=int, default=30)
    parser.add_argument("--processes", type=int, default=2, help="web processes")
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--realtime-url", default="", help="MINIDESK_REALTIME_URL (default: derived)"
    )
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="minidesk-stream-bench-")
    database_url = args.database_url or f"sqlite:///{folder}/bench.db"
    tokens, admin_token, ticket = prepare(database_url, args.agents)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINIDESK_")}
    env.update(
        PYTHONPATH=str(SRC),
        MINIDESK_DATABASE_URL=database_url,
        MINIDESK_SECRET_KEY=SECRET,
        MINIDESK_QUEUE_URL="memory://",
        MINIDESK_REALTIME_URL=args.realtime_url,
        MINIDESK_REALTIME_CHANNEL=f"minidesk-bench-{os.getpid()}",
        MINIDESK_LOG_LEVEL="warning",
    )
    ports = [18700 + i for i in range(args.processes)]
    servers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "minidesk.web.asgi:app_without_workers",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            env=env,
        )
        for port in ports
    ]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for url in urls:
            for _ in range(2400):
                try:
                    if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.1)
        rss_before = sum(rss_kib(s.pid) for s in servers)
        ready = multiprocessing.Semaphore(0)
        out: Any = multiprocessing.Queue()
        shares = [tokens[i :: args.client_processes] for i in range(args.client_processes)]
        clients = [
            multiprocessing.Process(
                target=client_process, args=(urls, share, ready, args.changes, out)
            )
            for share in shares
        ]
        for client in clients:
            client.start()
        for _ in range(args.agents):
            assert ready.acquire(timeout=300), "agents did not connect"
        time.sleep(1)
        rss_after = sum(rss_kib(s.pid) for s in servers)
        sent: list[float] = []
        cpu_before = sum(cpu_seconds(s.pid) for s in servers)
        with httpx.Client(
            base_url=urls[0], headers={"Authorization": f"Bearer {admin_token}"}
        ) as api:
            for n in range(args.changes):
                priority = ("P1", "P2")[n % 2]
                sent.append(time.time())
                api.patch(
                    f"/api/v1/tickets/{ticket}", json={"priority": priority}
                ).raise_for_status()
                time.sleep(0.3)  # one change at a time: latency, not throughput
        arrivals = [row for _ in clients for row in out.get(timeout=120)]
        # Every notice has reached every client: the servers' work for the changes is done.
        cpu_used = sum(cpu_seconds(s.pid) for s in servers) - cpu_before
        for client in clients:
            client.join()
        latencies = [
            (got[i] - sent[i]) * 1000 for got in arrivals for i in range(min(len(got), len(sent)))
        ]
        print(
            json.dumps(
                {
                    "agents": args.agents,
                    "web_processes": args.processes,
                    "changes": args.changes,
                    "broker": args.realtime_url or "derived default",
                    "database": database_url.split(":", 1)[0],
                    "received": len(latencies),
                    "expected": args.agents * args.changes,
                    "p50_ms": round(percentile(latencies, 0.50), 1),
                    "p99_ms": round(percentile(latencies, 0.99), 1),
                    "max_ms": round(max(latencies), 1),
                    # Both web processes: the PATCH, its commit and the fan-out to every agent.
                    "web_cpu_ms_per_change": round(cpu_used * 1000 / args.changes, 1),
                    "load_average": [round(x, 2) for x in os.getloadavg()],
                    "web_rss_mib_before": round(rss_before / 1024, 1),
                    "web_rss_mib_after": round(rss_after / 1024, 1),
                    "kib_per_connection": round((rss_after - rss_before) / args.agents, 1),
                }
            )
        )
    finally:
        for server in servers:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
