"""Workspace page speed at scale, on SQLite.

Seeds a database with ``--tickets`` tickets (three messages each, 10 per customer, a tenth
of them open), serves it with ``minidesk serve`` (no job workers), signs an agent in through
the sign-in form and times, from a client on the same machine:
- inbox views (mine, unassigned, all open, waiting) and ticket pages: p50/p99 of the whole
  request (an upper bound of server time), and the SQL statements a page costs;
- filtered inbox views (a priority, a channel, all tickets, solved) and a saved view, with
  three saved views counted in the sidebar of every page;
- first contentful paint of an inbox view in headless Chromium (when installed).

    python bench/ui.py [--tickets 100000] [--requests 400] [--runs 3]

Prints one JSON object; figures are medians over ``--runs`` rounds.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import argparse  # noqa: E402 (the sys.path fix above must run first)
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

import httpx  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from minidesk import db, migrate, settings  # noqa: E402
from minidesk.desk.models import Customer, Message, Role, Ticket  # noqa: E402
from minidesk.desk.users import do_create_user  # noqa: E402
from minidesk.events import SYSTEM  # noqa: E402

EMAIL, PASSWORD = "agent@bench.example", "bench-password-123"
VIEWS = ("mine", "unassigned", "open", "waiting")
FILTERED = ("view=open&priority=P2", "view=open&channel=email", "view=all", "view=solved")
SAVED_VIEWS = (
    {"name": "Open P2", "filters": {"status": ["open", "pending"], "priority": ["P2"]}},
    {"name": "Everything email", "filters": {"channel": "email"}},
    {"name": "Mine", "filters": {"assignee": "me", "status": ["open"]}},
)
STATUSES = ["solved"] * 8 + ["open", "pending"]


def seed(url: str, tickets: int) -> None:
    settings.configure(settings.load_settings(database_url=url, secret_key="b" * 32))
    migrate.upgrade(url)
    database = db.configure(url)
    rng = random.Random(7)
    now = db.utcnow()
    with database.transaction() as session:
        agent = do_create_user(session, EMAIL, Role.AGENT, SYSTEM, name="Bench", password=PASSWORD)
        agent_id = agent.id
    customers = max(1, tickets // 10)
    with database.engine.begin() as conn:
        conn.execute(
            insert(Customer),
            [{"name": f"Customer {i}", "email": f"c{i}@example.com"} for i in range(customers)],
        )
        first = conn.execute(select(Customer.id).order_by(Customer.id)).scalars().first() or 1
        for start in range(0, tickets, 10_000):
            rows = []
            for n in range(start, min(start + 10_000, tickets)):
                status = rng.choice(STATUSES)
                rows.append({
                    "subject": f"Order question {n}", "status": status,
                    "priority": rng.choice(["P2", "P3", "P3", "P4"]), "channel": "email",
                    "customer_id": first + n % customers,
                    "assignee_id": agent_id if status != "solved" and n % 3 == 0 else None,
                    "created_at": now, "updated_at": now,
                })  # fmt: skip
            conn.execute(insert(Ticket), rows)
        ids = conn.execute(select(Ticket.id, Ticket.customer_id)).all()
        for start in range(0, len(ids), 10_000):
            messages = [
                {"ticket_id": tid, "customer_id": cid if k != 1 else None,
                 "direction": "inbound" if k != 1 else "outbound", "channel": "email",
                 "text": f"Message {k} about my order, with a few words of body text.",
                 "created_at": now}
                for tid, cid in ids[start : start + 10_000] for k in range(3)
            ]  # fmt: skip
            conn.execute(insert(Message), messages)
    database.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(url: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "MINIDESK_DATABASE_URL": url, "MINIDESK_SECRET_KEY": "b" * 32,
           "MINIDESK_WORKERS": "0", "MINIDESK_LOG_LEVEL": "warning"}  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "minidesk", "serve", "--port", str(port)], env=env
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("minidesk serve did not start")


def sign_in(client: httpx.Client) -> None:
    form = client.get("/")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert csrf is not None
    done = client.post("/sign-in", data={"email": EMAIL, "password": PASSWORD,
                                          "csrf": csrf.group(1)})  # fmt: skip
    assert done.status_code == 200 and "Sign out" in done.text, done.status_code


def save_views(client: httpx.Client) -> list[int]:
    """The saved views every inbox page then counts (as the page's script would save them)."""
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/inbox").text)
    assert token is not None
    made = []
    for view in SAVED_VIEWS:
        response = client.post("/api/v1/views", json=view,
                               headers={"X-CSRF-Token": token.group(1)})  # fmt: skip
        assert response.status_code == 201, response.text
        made.append(int(response.json()["id"]))
    return made


def timed(client: httpx.Client, paths: list[str]) -> dict[str, float]:
    took = []
    for path in paths:
        start = time.perf_counter()
        response = client.get(path)
        took.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    took.sort()
    p99 = took[min(len(took) - 1, int(len(took) * 0.99))]
    return {"p50_ms": took[len(took) // 2], "p99_ms": p99}


def first_paint(base: str, cookies: httpx.Cookies, loads: int) -> float | None:
    chromium = shutil.which("chromium")
    if chromium is None:
        return None
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(bypass_csp=True)  # for the timing probe only
        context.add_cookies(
            [{"name": k, "value": v, "url": base} for k, v in cookies.items()]
        )
        page = context.new_page()
        paints = []
        for n in range(loads):
            page.goto(f"{base}/inbox?view={VIEWS[n % len(VIEWS)]}")
            page.wait_for_function(
                "performance.getEntriesByName('first-contentful-paint').length > 0"
            )
            paints.append(page.evaluate(
                "performance.getEntriesByName('first-contentful-paint')[0].startTime"))  # fmt: skip
        browser.close()
    return statistics.median(paints)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        started = time.perf_counter()
        seed(url, args.tickets)
        seeded = time.perf_counter() - started
        port = free_port()
        process = serve(url, port)
        base = f"http://127.0.0.1:{port}"
        rng = random.Random(11)
        rounds: list[dict[str, Any]] = []
        try:
            with httpx.Client(base_url=base, timeout=30, follow_redirects=True) as client:
                sign_in(client)
                saved = save_views(client)
                narrowed = [f"/inbox?{query}" for query in FILTERED]
                narrowed += [f"/inbox?saved={view_id}" for view_id in saved]
                for _ in range(args.runs):
                    views = [f"/inbox?view={VIEWS[n % 4]}" for n in range(args.requests)]
                    filtered = [narrowed[n % len(narrowed)] for n in range(args.requests)]
                    pages = [
                        f"/tickets/{rng.randint(1, args.tickets)}" for _ in range(args.requests)
                    ]
                    rounds.append({"inbox": timed(client, views),
                                   "filtered": timed(client, filtered),
                                   "ticket": timed(client, pages)})  # fmt: skip
                paint = first_paint(base, client.cookies, 20)
        finally:
            process.terminate()
            process.wait(10)

    def median(page: str, figure: str) -> float:
        return round(statistics.median(r[page][figure] for r in rounds), 1)

    print(json.dumps({
        "tickets": args.tickets, "seed_s": round(seeded, 1), "runs": args.runs,
        "requests_per_run": args.requests,
        "inbox_p50_ms": median("inbox", "p50_ms"), "inbox_p99_ms": median("inbox", "p99_ms"),
        "filtered_p50_ms": median("filtered", "p50_ms"),
        "filtered_p99_ms": median("filtered", "p99_ms"),
        "ticket_p50_ms": median("ticket", "p50_ms"), "ticket_p99_ms": median("ticket", "p99_ms"),
        "first_contentful_paint_ms": round(paint, 1) if paint is not None else None,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
