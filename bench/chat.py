"""Web chat benchmark: N visitors' sockets on /chat/ws against one local uvicorn (the embedded
default: one web process with its job workers, SQLite), plus one agent on /api/v1/stream.

Every visitor connects and says hello; the web process's RSS is read before and after, for
the memory one idle socket costs. Then the visitors send one line each, paced at ``--rate``
lines a second (latency, not a flood), and the bench measures:

- round trip: from just before a visitor sends a line to the agent's receipt of its
  ``message.created`` notice on the stream (so: accepted, filed by the pipeline, committed,
  published and fanned out);
- bot answer: from the same moment to the bot's reply arriving on the visitor's socket
  (filed, the bot's listener, the outbox, the chat adapter, the push).

Prints one JSON object. The machine's load average is included: on a shared machine the
figures say as much about the neighbours as about the desk.

    python bench/chat.py --visitors 1000 --rate 50
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
import os
import resource
import socket
import subprocess
import tempfile
import time
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

SRC = Path(__file__).resolve().parents[1] / "src"
sys.path.insert(0, str(SRC))

SECRET = "bench-secret-key-of-32-bytes-or-more!"
ORIGIN = "https://shop.bench.example"
OPENING = 50
QUESTION = "Hello, do you ship to Canada?"


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def rss_kib(pid: int) -> int:
    for row in Path(f"/proc/{pid}/status").read_text().splitlines():
        if row.startswith("VmRSS:"):
            return int(row.split()[1])
    return 0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def prepare(database_url: str) -> tuple[str, int]:
    """Migrate; an agent with a token, and a chat channel; returns (token, channel id)."""
    from minidesk import db, migrate, settings
    from minidesk.channels.service import do_create_channel
    from minidesk.desk import users
    from minidesk.desk.models import Role
    from minidesk.events import SYSTEM

    migrate.upgrade(database_url)
    settings.configure(
        settings.load_settings(database_url=database_url, secret_key=SECRET, queue_url="memory://")
    )
    database = db.configure(database_url)
    with database.transaction() as session:
        agent = users.do_create_user(session, "agent@bench.example", Role.ADMIN, SYSTEM)
        token = users.do_create_token(session, agent, SYSTEM, "bench")[1]
        settings_ = {"allowed_origins": [ORIGIN], "offline_when_no_agents": False}
        channel = do_create_channel(
            session, "chat", {"name": "Bench chat", "settings": settings_}, SYSTEM
        ).id
    database.dispose()
    return token, channel


def serve(port: int) -> None:
    """The server process: the app with its embedded job workers, as `minidesk serve` runs it."""
    import uvicorn

    from minidesk import db, jobs, logs
    from minidesk.settings import get_settings
    from minidesk.web.app import create_app

    settings = get_settings()
    logs.setup(settings.log_level, settings.log_format)
    db.configure(settings.database_url)
    jobs.configure(settings)
    uvicorn.run(create_app(settings), port=port, log_level="warning", log_config=None)


class Visitor:
    def __init__(self, n: int) -> None:
        self.n = n
        self.socket: ClientConnection | None = None
        self.sent_at = 0.0
        self.seq: int | None = None
        self.bot_ms: float | None = None
        self.echoed = asyncio.Event()

    async def open(self, url: str, channel: int, opening: asyncio.Semaphore) -> None:
        async with opening:
            self.socket = await connect(
                f"{url}/chat/ws?channel={channel}",
                origin=ORIGIN,  # type: ignore[arg-type]
                max_queue=None,
                open_timeout=120,
            )
            await self.socket.send(json.dumps({"op": "hello", "name": f"Visitor {self.n}"}))
            while json.loads(await self.socket.recv())["type"] != "synced":
                pass

    async def listen(self) -> None:
        assert self.socket is not None
        async for raw in self.socket:
            frame = json.loads(raw)
            if frame.get("type") != "message":
                continue
            if frame.get("id") == f"b-{self.n}":
                self.seq = frame["seq"]
                self.echoed.set()
            elif frame.get("from") == "bot" and self.bot_ms is None:
                self.bot_ms = (time.time() - self.sent_at) * 1000

    async def say(self) -> None:
        assert self.socket is not None
        self.sent_at = time.time()
        line = {"op": "message", "id": f"b-{self.n}", "text": QUESTION}
        await self.socket.send(json.dumps(line))


async def agent_stream(url: str, token: str, seen: dict[int, float], ready: asyncio.Event) -> None:
    async with connect(
        f"{url}/api/v1/stream",
        additional_headers={"Authorization": f"Bearer {token}"},
        max_queue=None,
    ) as stream:
        await stream.send(json.dumps({"op": "subscribe", "view": "all"}))
        while json.loads(await stream.recv()).get("type") != "subscribed":
            pass
        ready.set()
        async for raw in stream:
            notice = json.loads(raw)
            if notice.get("type") == "message.created" and notice.get("message"):
                seen.setdefault(notice["message"], time.time())


async def run(
    url: str, token: str, channel: int, args: argparse.Namespace, pid: int
) -> dict[str, Any]:
    seen: dict[int, float] = {}
    ready = asyncio.Event()
    stream = asyncio.create_task(agent_stream(url, token, seen, ready))
    await asyncio.wait_for(ready.wait(), 60)
    # Warm up (the intent model loads on first use, the queue's tables open): not measured.
    warm = Visitor(-1)
    await warm.open(url, channel, asyncio.Semaphore(1))
    warming = asyncio.create_task(warm.listen())
    await warm.say()
    for _ in range(600):
        if warm.bot_ms is not None:
            break
        await asyncio.sleep(0.1)
    warming.cancel()
    rss_before = rss_kib(pid)
    visitors = [Visitor(n) for n in range(args.visitors)]
    opening = asyncio.Semaphore(OPENING)
    started = time.time()
    await asyncio.gather(*(v.open(url, channel, opening) for v in visitors))
    connect_s = time.time() - started
    await asyncio.sleep(2)  # let the server settle before reading its memory
    rss_idle = rss_kib(pid)
    listeners = [asyncio.create_task(v.listen()) for v in visitors]
    for visitor in visitors:
        await visitor.say()
        await asyncio.sleep(1 / args.rate)
    deadline = time.time() + args.wait
    while time.time() < deadline and (
        any(v.bot_ms is None for v in visitors) or any(v.seq not in seen for v in visitors)
    ):
        await asyncio.sleep(0.2)
    round_trips = [
        (seen[v.seq] - v.sent_at) * 1000 for v in visitors if v.seq is not None and v.seq in seen
    ]
    bot = [v.bot_ms for v in visitors if v.bot_ms is not None]
    for task in [*listeners, stream]:
        task.cancel()
    for visitor in visitors:
        if visitor.socket is not None:
            await visitor.socket.close()
    return {
        "visitors": args.visitors,
        "rate_per_s": args.rate,
        "connect_s": round(connect_s, 1),
        "round_trip_n": len(round_trips),
        "round_trip_p50_ms": round(percentile(round_trips, 0.5), 1),
        "round_trip_p99_ms": round(percentile(round_trips, 0.99), 1),
        "bot_answer_n": len(bot),
        "bot_answer_p50_ms": round(percentile(bot, 0.5), 1),
        "bot_answer_p99_ms": round(percentile(bot, 0.99), 1),
        "web_rss_mib_before": round(rss_before / 1024, 1),
        "web_rss_mib_idle_sockets": round(rss_idle / 1024, 1),
        "kib_per_idle_socket": round((rss_idle - rss_before) / max(args.visitors, 1), 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visitors", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=50.0, help="lines per second, all visitors")
    parser.add_argument("--wait", type=float, default=60.0, help="seconds to wait for answers")
    parser.add_argument("--serve", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    # A thousand sockets need a thousand descriptors on each side.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(
        resource.RLIMIT_NOFILE, (min(hard, max(soft, 4 * args.visitors + 256)), hard)
    )

    folder = tempfile.mkdtemp(prefix="minidesk-chat-bench-")
    database_url = f"sqlite:///{folder}/bench.db"
    token, channel = prepare(database_url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINIDESK_")}
    env.update(
        PYTHONPATH=str(SRC),
        MINIDESK_DATABASE_URL=database_url,
        MINIDESK_SECRET_KEY=SECRET,
        MINIDESK_REALTIME_CHANNEL=f"minidesk-chat-bench-{os.getpid()}",
        MINIDESK_LOG_LEVEL="warning",
    )
    port = free_port()
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(port)], env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(2400):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        ws_url = url.replace("http", "ws", 1)
        print(json.dumps(asyncio.run(run(ws_url, token, channel, args, server.pid))))
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
