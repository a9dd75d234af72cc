"""One web process's end of the stream: its sockets, the broker's arrivals, and the order
they are handled in.

Every notice and signal arrives from the broker (this process's own included, so every
process follows one path) and is handled in arrival order by one task, which hands each
batch to ``fanout``; a change of some users' access (``access_changes``) re-checks their
sockets there before anything that arrived after it is offered. Presence is handled as it
arrives (``presence.Online``, batched there); viewing and typing go through the fan-out,
which checks who may see the ticket.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from minidesk.realtime import notices
from minidesk.realtime.access_changes import AccessChanged
from minidesk.realtime.brokers import Broker
from minidesk.realtime.fanout import FanOut, Item
from minidesk.realtime.presence import (
    HEARTBEAT_SECONDS,
    PRESENCE_SECONDS,
    TYPING_SECONDS,
    VIEWING_SECONDS,
    Online,
    OnTicket,
)
from minidesk.realtime.socket import dumps

if TYPE_CHECKING:
    from minidesk.realtime.connection import Connection

# The web chat's socket imports these from here.
__all__ = ["TYPING_SECONDS", "Extension", "Hub", "dumps"]

log = logging.getLogger(__name__)

READY_TIMEOUT_SECONDS = 30.0

# Signals of these types are for an extension (the web chat's lines), not agents' sockets.
EXTENSION_SIGNALS = "chat."


class Extension(Protocol):
    """Another set of sockets fed from the same broker (the web chat's visitors): it sees every
    payload, on the hub's loop, and is stopped with the hub."""

    def arrived(self, decoded: notices.Decoded) -> None: ...

    async def stop(self) -> None: ...


class Hub:
    def __init__(self, broker: Broker) -> None:
        self.broker = broker
        self.origin = uuid.uuid4().hex[:12]  # this hub, in presence signals
        self.connections: set[Connection] = set()
        self._work: asyncio.Queue[Item] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._starts = 0
        self._online = Online(self._broadcast)
        self._on_ticket = OnTicket()
        self._fan_out = FanOut(self.connections, self._on_ticket)
        self.extensions: list[Extension] = []
        # Called on the hub's loop, at once, with the users whose access another process
        # (or this one) changed: the web app drops its token cache (``web.tokens``).
        self.access_listeners: list[Callable[[frozenset[int]], None]] = []
        # Changes of access that arrived so far: a socket whose agent was read while one
        # arrived reads them again once it has joined (``connection.serve``).
        self.access_epoch = 0

    async def start(self) -> None:
        # Re-entrant: a test harness may enter an app's lifespan again while it runs.
        self._starts += 1
        if self._starts > 1:
            return
        ready = asyncio.Event()
        self._tasks = [
            asyncio.create_task(self.broker.receive(self._arrived, ready.set)),
            asyncio.create_task(self._deliver_in_order()),
            asyncio.create_task(self._heartbeat()),
        ]
        # Serve only once subscribed: a change made after start-up must reach this process.
        await asyncio.wait_for(ready.wait(), READY_TIMEOUT_SECONDS)

    async def stop(self) -> None:
        self._starts -= 1
        if self._starts > 0:
            return
        self._online.stop()
        for extension in self.extensions:
            await extension.stop()
        for connection in list(self.connections):
            await connection.close(1001, "server shutting down")
        loop = asyncio.get_running_loop()
        here = [task for task in self._tasks if task.get_loop() is loop]
        for task in self._tasks:
            if task.get_loop() is loop:
                task.cancel()
            else:  # started on a loop another thread runs (nested test clients)
                task.get_loop().call_soon_threadsafe(task.cancel)
        await asyncio.gather(*here, return_exceptions=True)
        self._tasks = []

    # -- what arrives from the broker ------------------------------------------------------

    def _arrived(self, payload: str) -> None:
        decoded = notices.decode(payload)
        for extension in self.extensions:
            extension.arrived(decoded)
        if decoded.access:  # before what the same transaction changed
            self.access_epoch += 1
            users = frozenset(decoded.access)
            for listener in self.access_listeners:
                listener(users)
            self._work.put_nowait(AccessChanged(users))
        if decoded.notices:
            self._work.put_nowait(decoded.notices)
        if decoded.desk:
            self._work.put_nowait(tuple(decoded.desk))
        for signal in decoded.signals:
            if str(signal.get("t", "")).startswith(EXTENSION_SIGNALS):
                continue
            if signal.get("t") == "presence":
                self._online.arrived(signal)
            else:
                self._work.put_nowait(signal)

    async def _deliver_in_order(self) -> None:
        while True:
            items = [await self._work.get()]
            while not self._work.empty():  # everything that queued meanwhile: one query
                items.append(self._work.get_nowait())
            try:
                await self._fan_out.deliver(items)
            except Exception:
                log.exception("realtime fan-out failed for %d items", len(items))

    def _broadcast(self, text: str) -> None:
        for connection in list(self.connections):
            connection.offer(text)

    # -- viewing and typing -----------------------------------------------------------------

    def on_ticket(self, number: int) -> list[dict[str, Any]]:
        """Who is viewing or typing on ticket ``number`` now (for a new subscriber, who
        the caller has already checked may see it)."""
        return self._on_ticket.present(number)

    def signal(self, what: str, connection: Connection, number: int, active: bool) -> None:
        seconds = VIEWING_SECONDS if what == "viewing" else TYPING_SECONDS
        agent = connection.agent
        self.publish_signal(
            {
                "t": what,
                "ticket": number,
                "user": agent.viewer.user_id,
                "name": agent.name,
                "until": time.time() + seconds if active else 0,
            }
        )

    # -- presence ---------------------------------------------------------------------------

    def online(self) -> list[dict[str, Any]]:
        return self._online.users()

    def joined(self, connection: Connection) -> None:
        first = not self._local(connection.agent.viewer.user_id)
        self.connections.add(connection)
        if first:
            self._announce(connection, online=True)

    def left(self, connection: Connection) -> None:
        self.connections.discard(connection)
        for number in connection.viewing:
            self.signal("viewing", connection, number, active=False)
        if not self._local(connection.agent.viewer.user_id):
            self._announce(connection, online=False)

    def _local(self, user: int) -> bool:
        return any(c.agent.viewer.user_id == user for c in self.connections)

    def _announce(self, connection: Connection, *, online: bool) -> None:
        agent = connection.agent
        self.publish_signal(
            {
                "t": "presence",
                "origin": self.origin,
                "user": agent.viewer.user_id,
                "name": agent.name,
                "online": online,
                "until": time.time() + PRESENCE_SECONDS,
            }
        )

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            announced = {c.agent.viewer.user_id: c for c in self.connections}
            for connection in announced.values():
                self._announce(connection, online=True)
            self._online.expire()
            self._on_ticket.forget_expired()

    def publish_signal(self, signal: dict[str, Any]) -> None:
        """Send a signal to every process, this one included, without blocking the loop
        (a NOTIFY or a Redis PUBLISH is a network round trip)."""
        payload = notices.encode_signal(signal)
        asyncio.get_running_loop().run_in_executor(None, self._publish, payload)

    def _publish(self, payload: str) -> None:
        try:
            self.broker.publish(payload)
        except Exception:
            log.exception("publishing a realtime signal failed")
