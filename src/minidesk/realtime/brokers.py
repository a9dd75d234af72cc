"""Brokers: how a change notice reaches every web process.

One small interface, four carriers. ``publish`` is synchronous and thread-safe (it runs in
the after-commit hook of whatever thread committed: a request, a job worker) and never waits
for receivers; ``receive`` runs on a hub's event loop until cancelled, calling ``deliver`` on
that loop for every payload, and ``ready`` once it is subscribed.

- ``memory://`` — this process only (tests, a single process that wants nothing else).
- ``local://`` (SQLite default) — in-process, plus one Unix datagram socket per listening
  process in a private folder keyed by the database, so ``serve --workers 2`` and a separate
  ``minidesk worker`` on the same machine reach each other's agents within microseconds,
  with no polling and no server. A datagram to a receiver whose queue stays full for
  ``SEND_SECONDS`` is dropped: a notice is a hint, and clients resynchronise through the API.
- ``postgresql://`` — ``pg_notify`` on publish, ``LISTEN`` on a connection of its own.
- ``redis://`` — pub/sub.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import socket
import tempfile
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from minidesk import pg_wake
from minidesk.settings import Settings

log = logging.getLogger(__name__)

Deliver = Callable[[str], None]
Ready = Callable[[], None]
RECONNECT_SECONDS = 1.0
# Room for bursts between two wake-ups of a busy receiving loop.
RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024
# A receiver's queue also holds a fixed number of datagrams (net.unix.max_dgram_qlen, often
# 512): wait this long for room before dropping a notice to a process that is this far behind.
SEND_SECONDS = 0.5


class Broker(Protocol):
    def publish(self, payload: str) -> None:
        """Send ``payload`` to every listening process (this one included); never blocks on
        receivers."""

    async def receive(self, deliver: Deliver, ready: Ready) -> None:
        """Receive payloads until cancelled; call ``ready`` once subscribed."""


class InProcess:
    """Fan-out to the hubs of this process only."""

    def __init__(self) -> None:
        self._listeners: set[tuple[asyncio.AbstractEventLoop, Deliver]] = set()
        self._lock = threading.Lock()

    def publish(self, payload: str) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for loop, deliver in listeners:
            with contextlib.suppress(RuntimeError):  # a loop that has just closed
                loop.call_soon_threadsafe(deliver, payload)

    async def receive(self, deliver: Deliver, ready: Ready) -> None:
        entry = (asyncio.get_running_loop(), deliver)
        with self._lock:
            self._listeners.add(entry)
        try:
            ready()
            await asyncio.Future()  # until cancelled
        finally:
            with self._lock:
                self._listeners.discard(entry)


class Local(InProcess):
    """In-process, plus Unix datagrams to the other processes on this machine."""

    def __init__(self, key: str) -> None:
        super().__init__()
        digest = hashlib.sha256(key.encode()).hexdigest()[:16]
        # Short: a socket path may not exceed 107 bytes.
        self.folder = Path(tempfile.gettempdir()) / f"minidesk-rt-{digest}"
        self._own: set[Path] = set()

    def publish(self, payload: str) -> None:
        super().publish(payload)
        data = payload.encode()
        try:
            peers = [p for p in self.folder.iterdir() if p.suffix == ".sock"]
        except FileNotFoundError:
            return  # nobody listens on this machine yet
        # A socket per call, so that committing threads never queue on one another.
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sender:
            sender.settimeout(SEND_SECONDS)
            for peer in peers:
                if peer not in self._own:
                    self._send(sender, data, peer)

    def _send(self, sender: socket.socket, data: bytes, peer: Path) -> None:
        try:
            sender.sendto(data, str(peer))
        except (ConnectionRefusedError, FileNotFoundError):
            # A process that died without removing its socket.
            with contextlib.suppress(FileNotFoundError):
                peer.unlink()
        except TimeoutError:
            log.warning("realtime receiver %s is not keeping up; notice dropped", peer.name)

    async def receive(self, deliver: Deliver, ready: Ready) -> None:
        self.folder.mkdir(mode=0o700, exist_ok=True)
        path = self.folder / f"{os.getpid()}-{uuid.uuid4().hex[:8]}.sock"
        receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        receiver.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER_BYTES)
        receiver.setblocking(False)
        receiver.bind(str(path))
        self._own.add(path)
        loop = asyncio.get_running_loop()

        def readable() -> None:
            while True:
                try:
                    data = receiver.recv(65536)
                except BlockingIOError:
                    return
                deliver(data.decode())

        loop.add_reader(receiver.fileno(), readable)
        try:
            await super().receive(deliver, ready)
        finally:
            loop.remove_reader(receiver.fileno())
            receiver.close()
            self._own.discard(path)
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


class Postgres:
    """``NOTIFY``/``LISTEN`` on a PostgreSQL database (by default the desk's own)."""

    def __init__(self, url: str, channel: str) -> None:
        self._conninfo = pg_wake.conninfo(url)
        self._channel = channel
        self._connection: object | None = None
        self._lock = threading.Lock()

    def publish(self, payload: str) -> None:
        import psycopg

        with self._lock:
            for attempt in (1, 2):
                connection = self._connection
                try:
                    if not isinstance(connection, psycopg.Connection) or connection.closed:
                        connection = psycopg.connect(self._conninfo, autocommit=True)
                        self._connection = connection
                    connection.execute("SELECT pg_notify(%s, %s)", (self._channel, payload))
                    return
                except psycopg.OperationalError:
                    self._connection = None  # the server restarted: one fresh connection
                    if attempt == 2:
                        raise

    async def receive(self, deliver: Deliver, ready: Ready) -> None:
        import psycopg
        from psycopg import sql

        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self._conninfo, autocommit=True
                ) as connection:
                    await connection.execute(
                        sql.SQL("LISTEN {}").format(sql.Identifier(self._channel))
                    )
                    ready()
                    async for notify in connection.notifies():
                        deliver(notify.payload)
            except psycopg.OperationalError as exc:
                log.warning("realtime LISTEN lost (%s); reconnecting", exc)
                await asyncio.sleep(RECONNECT_SECONDS)


class Redis:
    """Redis pub/sub."""

    def __init__(self, url: str, channel: str) -> None:
        import redis

        self._url = url
        self._channel = channel
        self._client = redis.Redis.from_url(url)

    def publish(self, payload: str) -> None:
        self._client.publish(self._channel, payload)

    async def receive(self, deliver: Deliver, ready: Ready) -> None:
        import redis.asyncio as aioredis
        from redis.exceptions import ConnectionError as RedisConnectionError

        while True:
            client = aioredis.Redis.from_url(self._url)
            pubsub = client.pubsub()
            try:
                await pubsub.subscribe(self._channel)
                ready()
                async for message in pubsub.listen():
                    if message["type"] == "message":
                        deliver(message["data"].decode())
            except (RedisConnectionError, OSError) as exc:
                log.warning("realtime subscription lost (%s); reconnecting", exc)
                await asyncio.sleep(RECONNECT_SECONDS)
            finally:
                await pubsub.aclose()
                await client.aclose()


_brokers: dict[tuple[str, str, str], Broker] = {}
_brokers_lock = threading.Lock()


def broker_for(settings: Settings) -> Broker:
    """This process's broker for ``settings`` (one per URL, shared by the publisher and
    every hub, so that in-process delivery reaches them)."""
    url = settings.effective_realtime_url
    key = (url, settings.realtime_channel, settings.database_url)
    with _brokers_lock:
        if (broker := _brokers.get(key)) is None:
            broker = _brokers[key] = _make(url, settings)
        return broker


def _make(url: str, settings: Settings) -> Broker:
    scheme = url.split("://", 1)[0]
    if scheme == "memory":
        return InProcess()
    if scheme == "local":
        return Local(f"{settings.realtime_channel}:{settings.database_url}")
    if scheme.startswith("postgresql"):
        return Postgres(url, settings.realtime_channel)
    return Redis(url, settings.realtime_channel)
