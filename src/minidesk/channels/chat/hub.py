"""One web process's visitor sockets, fed from the agents' hub's broker.

What reaches a visitor: their own lines once the pipeline stored them (``message.received``
notices), replies the chat adapter announced (``chat.line`` signals), and agents typing or
viewing their ticket (the agents' own signals). Each batch of line ids is loaded in one
query, whichever process or worker wrote them, and offered to that visitor's sockets only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from minidesk.channels.chat import identity, lines
from minidesk.channels.chat.adapter import LINE_SIGNAL
from minidesk.db import get_db, utcnow
from minidesk.event_kinds import EventKind
from minidesk.realtime.hub import Hub, dumps
from minidesk.realtime.notices import Decoded

if TYPE_CHECKING:
    from minidesk.channels.chat.socket import VisitorSocket

log = logging.getLogger(__name__)

# A visitor's lines: a burst of this many, then one every ``RATE_SECONDS``.
RATE_BURST = 8
RATE_SECONDS = 2.0
MAX_BUCKETS = 10_000
# The user id in typing signals that stands for the chat's visitor (agents are 1 and up).
VISITOR_USER = 0
# How often this process marks its connected visitors as seen (one UPDATE for all of them):
# well inside the abandonment sweep's grace (``waits.GRACE``).
SEEN_EVERY = 30.0


@dataclass
class _Bucket:
    tokens: float
    at: float


class ChatHub:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.visitors: dict[int, set[VisitorSocket]] = defaultdict(set)
        # ticket -> visitors following it (for agents' typing and viewing signals).
        self.tickets: dict[int, set[int]] = defaultdict(set)
        # visitor -> their tickets (the other way round).
        self.followed: dict[int, set[int]] = defaultdict(set)
        self._buckets: dict[int, _Bucket] = {}
        # The rate limit's clock; tests hold it still, so a slow machine does not refill.
        self.clock: Callable[[], float] = time.monotonic
        self._work: asyncio.Queue[set[int]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        # Visitors whose last socket here closed since the last renewal: seen once more.
        self._gone: set[int] = set()
        self._seen_task: asyncio.Task[None] | None = None

    # -- sockets ----------------------------------------------------------------------------

    def joined(self, socket: VisitorSocket, tickets: set[int]) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._deliver_lines())
        if self._seen_task is None:
            self._seen_task = asyncio.get_running_loop().create_task(self._keep_seen())
        self.visitors[socket.visitor.id].add(socket)
        for ticket in tickets:
            self._follow(socket.visitor.id, ticket)

    def _follow(self, visitor: int, ticket: int) -> None:
        self.tickets[ticket].add(visitor)
        self.followed[visitor].add(ticket)

    def left(self, socket: VisitorSocket) -> None:
        visitor = socket.visitor.id
        same = self.visitors.get(visitor, set())
        same.discard(socket)
        if same:
            return
        self.visitors.pop(visitor, None)
        self._gone.add(visitor)
        for ticket in self.followed.pop(visitor, set()):
            followers = self.tickets.get(ticket, set())
            followers.discard(visitor)
            if not followers:
                self.tickets.pop(ticket, None)

    def latest_ticket(self, visitor: int) -> int | None:
        """The visitor's newest conversation (where their typing shows), if any yet."""
        followed = self.followed.get(visitor)
        return max(followed) if followed else None

    def allow(self, visitor_id: int) -> float:
        """0 if the visitor may send a line now (and it is counted), else seconds to wait."""
        now = self.clock()
        if len(self._buckets) > MAX_BUCKETS:
            # Kept after a visitor leaves (reconnecting must not refill it); a full one is
            # the same as none.
            idle = RATE_BURST * RATE_SECONDS
            self._buckets = {v: b for v, b in self._buckets.items() if now - b.at < idle}
        bucket = self._buckets.setdefault(visitor_id, _Bucket(RATE_BURST, now))
        bucket.tokens = min(RATE_BURST, bucket.tokens + (now - bucket.at) / RATE_SECONDS)
        bucket.at = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) * RATE_SECONDS

    async def stop(self) -> None:
        for sockets in list(self.visitors.values()):
            for socket in list(sockets):
                socket.end(1001, "server shutting down")
        for task in (self._task, self._seen_task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._task = self._seen_task = None

    async def _keep_seen(self) -> None:
        """Renew ``last_seen_at`` of the visitors connected here, and of those who left since
        the last round (so their departure is dated within ``SEEN_EVERY``)."""
        while True:
            await asyncio.sleep(SEEN_EVERY)
            ids, self._gone = set(self.visitors) | self._gone, set()
            try:
                await asyncio.to_thread(identity.seen, ids, utcnow())
            except Exception:
                log.exception("marking %d chat visitors as seen failed", len(ids))

    # -- from the broker --------------------------------------------------------------------

    def arrived(self, decoded: Decoded) -> None:
        if not self.visitors:
            return
        wanted = {
            notice.message
            for notice in decoded.notices
            if notice.kind == EventKind.MESSAGE_RECEIVED and notice.message is not None
        }
        for signal in decoded.signals:
            kind = signal.get("t")
            if kind == LINE_SIGNAL and isinstance(signal.get("message"), int):
                wanted.add(signal["message"])
            elif kind in {"typing", "viewing"}:
                self._agent_signal(signal)
        if wanted:
            self._work.put_nowait(wanted)

    def _agent_signal(self, signal: dict[str, object]) -> None:
        ticket, user = signal.get("ticket"), signal.get("user")
        if not isinstance(ticket, int) or user == VISITOR_USER or ticket not in self.tickets:
            return
        until = signal.get("until")
        active = isinstance(until, int | float) and until > time.time()
        if signal["t"] == "typing":
            first_name = str(signal.get("name", "")).split(" ")[0]
            frame = dumps({"type": "typing", "active": active, "name": first_name})
        elif active:  # an agent has the ticket open: the visitor's lines have been seen
            frame = dumps({"type": "read"})
        else:
            return
        for visitor in self.tickets[ticket]:
            for socket in self.visitors.get(visitor, ()):
                socket.offer(frame)

    async def _deliver_lines(self) -> None:
        while True:
            wanted = await self._work.get()
            while not self._work.empty():  # what queued meanwhile: one query for all
                wanted |= self._work.get_nowait()
            try:
                found = await asyncio.to_thread(_load, wanted)
            except Exception:
                log.exception("loading %d chat lines failed", len(wanted))
                continue
            for line in found:
                sockets = self.visitors.get(line.visitor_id)
                if not sockets:
                    continue
                self._follow(line.visitor_id, line.ticket_id)
                text = dumps(line.frame)
                for socket in list(sockets):
                    socket.offer(text)


def _load(message_ids: set[int]) -> list[lines.Line]:
    with get_db().sessions() as session:
        return lines.by_ids(session, message_ids)
