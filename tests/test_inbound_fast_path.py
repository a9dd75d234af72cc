"""The default inbound path: the web process accepts into the store, a worker processes the
message with its batch, and the request answers once that batch has committed, with its
ticket number. With real processes as deployed for scale-out (two web processes,
``serve --workers 2``, and a ``minidesk worker``: on SQLite they wake each other through the
database file, on PostgreSQL through LISTEN/NOTIFY), and in one process (embedded workers)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast, inbound

from minidesk import inbox, jobs, settings
from minidesk.db import Database
from minidesk.desk.models import Direction, Message
from minidesk.web.app import create_app

PATH = "/api/v1/inbound/messages"


@dataclass
class Served:
    url: str
    env: dict[str, str]
    server: subprocess.Popen[bytes]
    http: httpx.Client


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "minidesk", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def wait() -> str:
    """How long a request waits for its ticket: long, the machine may be busy; a test about
    the time running out sets it short."""
    return "60"


@pytest.fixture
def served(
    config: settings.Settings, database: Database, tmp_path: Path, wait: str
) -> Iterator[Served]:
    """``serve --workers 2`` on the test database, with no job worker yet."""
    env = {
        **os.environ,
        "MINIDESK_DATABASE_URL": database.url,
        "MINIDESK_REALTIME_CHANNEL": config.realtime_channel,
        "MINIDESK_QUEUE_URL": f"sqlite:///{tmp_path / 'queue.db'}",
        "MINIDESK_SECRET_KEY": "test-secret-key-of-32-bytes-or-more",
        "MINIDESK_LOG_LEVEL": "warning",
        "MINIDESK_WORKERS": "0",
        "MINIDESK_INBOUND_WAIT_SECONDS": wait,
    }
    port = _free_port()
    server = _start(env, "serve", "--port", str(port), "--workers", "2")
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 240  # a loaded machine takes minutes to start two
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline and server.poll() is None, "serve did not start"
        time.sleep(0.2)
    try:
        with httpx.Client(base_url=url, timeout=60) as http:
            yield Served(url, env, server, http)
    finally:
        _stop(server)


def _web_processes(served: Served) -> list[str]:
    """The supervisor's children that serve (multiprocessing adds a resource tracker)."""
    pid = served.server.pid
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [
        c for c in children if b"resource_tracker" not in Path(f"/proc/{c}/cmdline").read_bytes()
    ]


def _post(served: Served, cast: Cast, key: str, email: str) -> httpx.Response:
    body = {"customer": {"email": email}, "text": f"Where is order {key}?", "external_id": key}
    return served.http.post(PATH, json=body, headers=cast.shop.headers)


def _until_processed(served: Served, cast: Cast, location: str) -> dict[str, object]:
    """Poll a message's Location until a worker processed it (a worker takes seconds to
    start on a busy machine)."""
    deadline = time.monotonic() + 180
    while True:
        state: dict[str, object] = served.http.get(location, headers=cast.shop.headers).json()
        if state["status"] == "processed" or time.monotonic() > deadline:
            return state
        time.sleep(0.2)


def test_embedded_workers_answer_with_the_ticket_they_committed(
    config: settings.Settings, cast: Cast, tmp_path: Path
) -> None:
    # A real queue: nothing runs at once, the drainer thread must wake and process.
    jobs.configure(config.model_copy(update={"queue_url": f"sqlite:///{tmp_path / 'q.db'}"}))
    with TestClient(create_app(config, embedded_workers=2)) as client:
        first = inbound(client, cast.shop, "Where is my order #1001?", "emb-1")
        second = inbound(client, cast.shop, "And #1002?", "emb-2")
    assert (first["status"], second["status"]) == ("processed", "processed")
    assert first["ticket_number"] is not None
    assert second["ticket_number"] == first["ticket_number"]  # the open ticket continues


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_two_web_processes_answer_with_tickets_the_worker_committed(
    served: Served, cast: Cast, database: Database
) -> None:
    assert len(_web_processes(served)) == 2
    worker = _start(served.env, "worker")
    try:
        warm = _post(served, cast, "warm-1", "warm@example.com")
        assert _until_processed(served, cast, warm.headers["Location"])["status"] == "processed"
        keys = [f"fast-{i}" for i in range(60)]
        # Enough connections at once that both web processes take requests.
        with ThreadPoolExecutor(12) as pool:
            answers = list(
                pool.map(lambda i: _post(served, cast, keys[i], f"c{i % 6}@example.com"), range(60))
            )
    finally:
        _stop(worker)
    documents = [answer.json() for answer in answers]
    assert {answer.status_code for answer in answers} == {202}
    assert {document["status"] for document in documents} == {"processed"}
    # What each request was told is what the worker committed, one ticket per customer.
    states = inbox.states([document["inbox_id"] for document in documents], database)
    for document in documents:
        state = states[document["inbox_id"]]
        assert (state.status, state.ticket_id) == ("done", document["ticket_number"])
        assert document["message_id"] == state.message_id
    tickets = {(i % 6, documents[i]["ticket_number"]) for i in range(60)}
    assert len(tickets) == len({customer for customer, _ in tickets}) == 6


@pytest.mark.slow
@pytest.mark.timeout(400)
@pytest.mark.parametrize("wait", ["1"])
def test_with_the_worker_down_a_message_is_queued_then_processed_when_it_returns(
    served: Served, cast: Cast
) -> None:
    answer = _post(served, cast, "down-1", "emma@example.com")
    assert answer.status_code == 202
    assert answer.json()["status"] == "queued"
    assert answer.json()["ticket_number"] is None
    location = answer.headers["Location"]

    worker = _start(served.env, "worker")
    try:
        state = _until_processed(served, cast, location)
        assert state["status"] == "processed"
        assert state["ticket_number"] is not None
        # Posting it again now answers with that ticket, not a second message.
        again = _post(served, cast, "down-1", "emma@example.com").json()
        assert (again["status"], again["ticket_number"]) == ("duplicate", state["ticket_number"])
    finally:
        _stop(worker)


@pytest.mark.slow
@pytest.mark.timeout(400)
@pytest.mark.parametrize("wait", ["3"])
def test_a_worker_killed_while_requests_wait_loses_and_duplicates_nothing(
    served: Served, cast: Cast, database: Database
) -> None:
    worker = _start(served.env, "worker")
    try:
        warm = _post(served, cast, "kill-warm", "warm@example.com")
        assert _until_processed(served, cast, warm.headers["Location"])["status"] == "processed"
        keys = [f"kill-{i}" for i in range(40)]
        with ThreadPoolExecutor(8) as pool:
            waiting = [
                pool.submit(_post, served, cast, key, f"k{i % 5}@example.com")
                for i, key in enumerate(keys)
            ]
            waiting[0].result()  # the worker is busy with them: kill it mid-way
            worker.send_signal(signal.SIGKILL)
            worker.wait()
            answers = [future.result().json() for future in waiting]
        assert "queued" in {a["status"] for a in answers}, "the kill came too late to mean much"
        worker = _start(served.env, "worker")
        finals = [
            _until_processed(served, cast, f"{PATH}/{answer['inbox_id']}") for answer in answers
        ]
    finally:
        _stop(worker)
    assert {final["status"] for final in finals} == {"processed"}
    for answer, final in zip(answers, finals, strict=True):
        if answer["status"] == "processed":  # what a request was told is what stayed
            assert answer["ticket_number"] == final["ticket_number"]
    with database.sessions() as session:
        inbound_ids = session.scalars(
            select(Message.inbox_id).where(Message.direction == Direction.INBOUND)
        ).all()
    # Every accepted message became exactly one message on a ticket.
    accepted = [warm.json()["inbox_id"], *(answer["inbox_id"] for answer in answers)]
    assert sorted(inbound_ids) == sorted(accepted)
