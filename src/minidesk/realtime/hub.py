"""One web process's end of the stream: its sockets, what each follows, and the fan-out.

Every notice and signal arrives from the broker (this process's own included, so every
process follows one path) and is handled in arrival order by one task: it loads where the
tickets concerned sit (one query per batch, however many sockets), then offers the message,
encoded once, to each socket that follows it *and* may see it. Offering never waits: each
socket has a bounded queue, and one that stays full is closed (``CloseCode.TOO_SLOW``), so a
slow client can never hold up the others.

Presence, viewing and typing are signals: ephemeral, never Event rows, each with an expiry.
Each process re-announces its online agents every ``HEARTBEAT_SECONDS``; an agent not
re-announced within ``PRESENCE_SECONDS`` (a process that died) goes offline. Presence
changes reach sockets in batches, at most one message per ``PRESENCE_BATCH_SECONDS``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

from minidesk.desk.access import sees_ticket
from minidesk.realtime import audience, notices, scope, views
from minidesk.realtime.brokers import Broker
from minidesk.realtime.notices import DeskNotice, Notice

if TYPE_CHECKING:
    from minidesk.realtime.connection import Connection

log = logging.getLogger(__name__)

READY_TIMEOUT_SECONDS = 30.0
HEARTBEAT_SECONDS = 20.0
PRESENCE_SECONDS = 3 * HEARTBEAT_SECONDS
VIEWING_SECONDS = 30.0
TYPING_SECONDS = 6.0
PRESENCE_BATCH_SECONDS = 0.5


# What the fan-out works through: one transaction's ticket notices, its desk notices, or a
# viewing or typing signal.
Item = list[Notice] | tuple[DeskNotice, ...] | dict[str, Any]

# Signals of these types are for an extension (the web chat's lines), not agents' sockets.
EXTENSION_SIGNALS = "chat."


def dumps(message: dict[str, Any]) -> str:
    return json.dumps(message, separators=(",", ":"))


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
        # (origin, user) -> (name, until): who is online on which process.
        self._online: dict[tuple[str, int], tuple[str, float]] = {}
        # ticket -> user -> {"name", "viewing", "typing"} (expiry times, epoch seconds).
        self._on_ticket: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
        self._presence_changes: dict[int, dict[str, Any]] = {}
        self._presence_flush: asyncio.TimerHandle | None = None
        self.extensions: list[Extension] = []

    async def start(self) -> None:
        # Re-entrant: a test harness may enter an app's lifespan again while it runs.
        self._starts += 1
        if self._starts > 1:
            return
        ready = asyncio.Event()
        self._tasks = [
            asyncio.create_task(self.broker.receive(self._arrived, ready.set)),
            asyncio.create_task(self._fan_out()),
            asyncio.create_task(self._heartbeat()),
        ]
        # Serve only once subscribed: a change made after start-up must reach this process.
        await asyncio.wait_for(ready.wait(), READY_TIMEOUT_SECONDS)

    async def stop(self) -> None:
        self._starts -= 1
        if self._starts > 0:
            return
        if self._presence_flush is not None:
            self._presence_flush.cancel()
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
        if decoded.notices:
            self._work.put_nowait(decoded.notices)
        if decoded.desk:
            self._work.put_nowait(tuple(decoded.desk))
        for signal in decoded.signals:
            if str(signal.get("t", "")).startswith(EXTENSION_SIGNALS):
                continue
            if signal.get("t") == "presence":
                self._presence(signal)
            else:
                self._work.put_nowait(signal)

    async def _fan_out(self) -> None:
        while True:
            items = [await self._work.get()]
            while not self._work.empty():  # everything that queued meanwhile: one query
                items.append(self._work.get_nowait())
            try:
                await self._deliver(items)
            except Exception:
                log.exception("realtime fan-out failed for %d items", len(items))

    async def _deliver(self, items: list[Item]) -> None:
        signals = [item for item in items if isinstance(item, dict)]
        for signal in signals:
            self._remember(signal)
        if not self.connections:
            return  # nobody to tell: spare the query
        numbers = {int(signal["ticket"]) for signal in signals} | {
            notice.ticket for item in items if isinstance(item, list) for notice in item
        }
        customers = {
            notice.customer
            for item in items
            if isinstance(item, tuple)
            for notice in item
            if notice.customer is not None
        }
        where = await asyncio.to_thread(scope.load, numbers, customers)
        for item in items:
            if isinstance(item, dict):
                self._offer_signal(item, where)
                continue
            if isinstance(item, tuple):
                self._offer_desk(item, where)
                continue
            # One item is one transaction's notices: where its tickets stood before it.
            before = views.before_changes(item, where.tickets)
            for notice in item:
                if (ticket := where.tickets.get(notice.ticket)) is not None:
                    self._offer(
                        notice, ticket, where.restrict_to_teams, before.get(notice.event_id)
                    )
                # Let the sockets' writers drain between notices, so that a burst (a bulk
                # change) is paced by the network rather than overflowing every queue.
                await asyncio.sleep(0)

    def _offer(
        self,
        notice: Notice,
        ticket: scope.TicketScope,
        restrict: bool,
        before: scope.TicketScope | None,
    ) -> None:
        """Offer ``notice`` to every socket that follows ``ticket`` and may see it; where
        the change took it out of a socket's views (``before`` is where it stood, for the
        transaction's first change of status, assignee or team), say that too."""
        text: str | None = None
        team_view = f"{views.TEAM}{ticket.team_id}"
        for connection in list(self.connections):
            viewer = connection.agent.viewer
            sees = sees_ticket(viewer, restrict, ticket.team_id, ticket.assignee_id)
            gone = (
                []
                if before is None
                else views.left(connection.views, viewer, restrict, before, ticket)
            )
            if not sees:
                if notice.ticket in connection.tickets or gone:
                    self._hide(connection, notice.ticket)
                continue
            # ``views.holds`` for each view, as set lookups: this runs for every socket on
            # every change.
            mine = ticket.open and ticket.assignee_id == viewer.user_id
            follows = (
                notice.ticket in connection.tickets
                or views.ALL in connection.views
                or team_view in connection.views
                or (mine and views.MY_OPEN in connection.views)
            )
            if follows:
                text = text or dumps(notice.render(ticket))
                connection.offer(text)
            for view in gone:
                connection.offer(dumps(views.removed(view, notice)))

    def _offer_desk(self, desk: tuple[DeskNotice, ...], where: scope.Scope) -> None:
        """Desk notices to the sockets following the ``desk`` topic that may hear each."""
        followers = [c for c in self.connections if c.desk]
        for notice in desk:
            text = dumps(notice.render())
            for connection in followers:
                viewer = connection.agent.viewer
                if audience.may_hear(viewer, notice, where.restrict_to_teams, where.customers):
                    connection.offer(text)

    @staticmethod
    def _hide(connection: Connection, number: int) -> None:
        """A ticket the socket subscribed to, or one of its views listed, while it could see
        it has moved out of its sight (another team, another assignee): say so once and end
        the subscription. Once only, because a notice per later change would tell the agent
        when a ticket they may no longer see is worked on; to follow it again they
        subscribe, which checks again."""
        connection.tickets.discard(number)
        connection.offer(dumps({"type": "ticket.hidden", "ticket": number}))

    # -- viewing and typing -----------------------------------------------------------------

    def _remember(self, signal: dict[str, Any]) -> None:
        state = self._on_ticket[int(signal["ticket"])].setdefault(
            int(signal["user"]), {"name": str(signal.get("name", ""))}
        )
        state[str(signal["t"])] = float(signal["until"])

    def _offer_signal(self, signal: dict[str, Any], where: scope.Scope) -> None:
        number, user, what = int(signal["ticket"]), int(signal["user"]), str(signal["t"])
        if (ticket := where.tickets.get(number)) is None:
            return
        until = float(signal["until"])
        message = dumps(
            {
                "type": what,
                "ticket": number,
                "user": user,
                "name": str(signal.get("name", "")),
                "active": until > time.time(),
                "until": until,
            }
        )
        for connection in list(self.connections):
            viewer = connection.agent.viewer
            if (
                number in connection.tickets
                and viewer.user_id != user
                and sees_ticket(viewer, where.restrict_to_teams, ticket.team_id, ticket.assignee_id)
            ):
                connection.offer(message)

    def on_ticket(self, number: int) -> list[dict[str, Any]]:
        """Who is viewing or typing on ticket ``number`` now (for a new subscriber, who
        the caller has already checked may see it)."""
        now = time.time()
        return [
            {
                "user": user,
                "name": state["name"],
                "viewing": state.get("viewing", 0) > now,
                "typing": state.get("typing", 0) > now,
            }
            for user, state in self._on_ticket.get(number, {}).items()
            if max(state.get("viewing", 0), state.get("typing", 0)) > now
        ]

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
        now = time.time()
        users = {user: name for (_, user), (name, until) in self._online.items() if until > now}
        return [{"user": user, "name": name} for user, name in sorted(users.items())]

    def _is_online(self, user: int) -> bool:
        now = time.time()
        return any(u == user and until > now for (_, u), (_, until) in self._online.items())

    def _presence(self, signal: dict[str, Any]) -> None:
        user, name = int(signal["user"]), str(signal.get("name", ""))
        before = self._is_online(user)
        key = (str(signal["origin"]), user)
        if signal.get("online"):
            self._online[key] = (name, float(signal["until"]))
        else:
            self._online.pop(key, None)
        self._announce_if_changed([(user, name, before)])

    def _announce_if_changed(self, users: Iterable[tuple[int, str, bool]]) -> None:
        for user, name, before in users:
            if (now := self._is_online(user)) != before:
                self._presence_changes[user] = {"user": user, "name": name, "online": now}
        if self._presence_changes and self._presence_flush is None:
            self._presence_flush = asyncio.get_running_loop().call_later(
                PRESENCE_BATCH_SECONDS, self._flush_presence
            )

    def _flush_presence(self) -> None:
        # One message for every change of the last moment: when a shift starts and hundreds
        # sign in at once, a message per arrival to each socket would be N² messages.
        self._presence_flush = None
        changes, self._presence_changes = list(self._presence_changes.values()), {}
        text = dumps({"type": "presence", "users": changes})
        for connection in list(self.connections):
            connection.offer(text)

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
            # Forget what expired, saying so for agents that thereby went offline.
            now = time.time()
            stale = [(key, name) for key, (name, until) in self._online.items() if until <= now]
            for key, _ in stale:
                del self._online[key]
            self._announce_if_changed((user, name, True) for (_, user), name in stale)
            for number in [n for n, users in self._on_ticket.items() if not self.on_ticket(n)]:
                del self._on_ticket[number]

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
