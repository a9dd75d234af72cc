"""One agent's socket: signing in, the ops it sends, and the queue it is written from.

Signing in takes an API token from the ``Authorization`` header, from a
``minidesk.bearer.<token>`` subprotocol (browsers cannot set headers on a WebSocket; offer
``minidesk.v1`` alongside, which the server selects), from the workspace's session cookie
(only on a handshake whose ``Origin`` is the desk itself, so another site's page cannot ride a
signed-in agent's cookie), or from a first message ``{"op": "auth", "token": ...}``
(``credentials``). The token is checked again every ``REVALIDATE_SECONDS``, at
its expiry, and at once when the user's role, teams, active flag or tokens change
(``access_changes``); a revoked or expired token or a deactivated user closes the socket
(``CloseCode.UNAUTHENTICATED``), and a changed role or team takes effect at that check.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from enum import IntEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, TypeAdapter, ValidationError
from starlette.websockets import WebSocket, WebSocketDisconnect

from minidesk.desk.access import sees_ticket
from minidesk.desk.tokens import Rejection, TokenRejected
from minidesk.realtime import credentials, scope, socket
from minidesk.realtime.hub import Hub
from minidesk.realtime.socket import QueuedSocket, dumps
from minidesk.realtime.views import ALL, MY_OPEN
from minidesk.routing import stream as routing_stream

log = logging.getLogger(__name__)

AUTH_SECONDS = 10.0
REVALIDATE_SECONDS = 15.0
# Messages waiting for one socket; a client that lets more pile up is too slow to keep.
QUEUE_LIMIT = 256
TICKET_MAX = 2_147_483_647  # the largest ticket number PostgreSQL's integer column holds


class CloseCode(IntEnum):
    GOING_AWAY = 1001  # the server is shutting down; reconnect
    UNAUTHENTICATED = 4401  # no token, or it is unknown, revoked or expired, or its user is off
    TOO_SLOW = socket.TOO_SLOW  # QUEUE_LIMIT messages were waiting: reconnect, resync


TicketNumber = Annotated[int, Field(ge=1, le=TICKET_MAX)]
View = Annotated[str, Field(pattern=rf"^({MY_OPEN}|{ALL}|team:[0-9]{{1,10}})$")]


class Follow(BaseModel):
    op: Literal["subscribe", "unsubscribe"]
    view: View | None = None
    ticket: TicketNumber | None = None
    topic: Literal["desk"] | None = None  # changes of no ticket (``audience``)


class OnTicket(BaseModel):
    op: Literal["viewing", "typing"]
    ticket: TicketNumber
    stop: bool = False


class Ping(BaseModel):
    op: Literal["ping"]


class Auth(BaseModel):
    op: Literal["auth"]
    token: Annotated[str, Field(max_length=200)]


Op = TypeAdapter[Follow | OnTicket | Ping | Auth](
    Annotated[Follow | OnTicket | Ping | Auth, Field(discriminator="op")]
)


async def serve(hub: Hub, websocket: WebSocket) -> None:
    """Run one agent's socket until either side ends it."""
    secret = credentials.from_handshake(websocket)
    offered = websocket.scope.get("subprotocols", [])
    await websocket.accept(
        subprotocol=credentials.PROTOCOL if credentials.PROTOCOL in offered else None
    )
    if secret is None:
        secret = await _first_message(websocket)
    if secret is None:
        await websocket.close(CloseCode.UNAUTHENTICATED, "send an API token")
        return
    epoch = hub.access_epoch
    try:
        agent = await asyncio.to_thread(scope.agent_for, secret)
    except TokenRejected as rejected:
        await websocket.close(CloseCode.UNAUTHENTICATED, _why(rejected))
        return
    connection = Connection(hub, websocket, agent, secret)
    try:
        await websocket.send_text(
            dumps({"type": "hello", "user": agent.viewer.user_id, "online": hub.online()})
        )
    except WebSocketDisconnect:
        return  # gone while we checked its token
    hub.joined(connection)
    user_id = agent.viewer.user_id
    try:
        if hub.access_epoch != epoch:
            # Someone's access changed while we read this agent's, too late for the hub's
            # re-check of the sockets it had: read it again rather than risk a stale sight.
            await connection.recheck()
        await _presence(routing_stream.connected, user_id)
        await connection.run()
    finally:
        hub.left(connection)
        if not any(c.agent.viewer.user_id == user_id for c in hub.connections):
            await _presence(routing_stream.disconnected, user_id)


# Presence writes go through one thread of their own, for two reasons: an agent's "connected"
# and "disconnected" land in the order they happened, and a write once submitted finishes even
# when the socket's task is cancelled mid-way (a server shutting down, or a client whose close
# arrives together with the cancellation). Under ``asyncio.to_thread`` a cancelled task
# withdrew a write still queued for a thread, and the agent stayed online for a minute.
_PRESENCE_WRITER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stream-presence")


def _record_presence(change: Callable[[int], None], user_id: int) -> None:
    """A failure is logged, never the socket's end."""
    try:
        change(user_id)
    except Exception:
        log.exception("recording stream presence for user %s failed", user_id)


async def _presence(change: Callable[[int], None], user_id: int) -> None:
    """Routing's view of the agent's presence follows the socket."""
    written = _PRESENCE_WRITER.submit(_record_presence, change, user_id)
    await asyncio.shield(asyncio.wrap_future(written))


async def _first_message(websocket: WebSocket) -> str | None:
    try:
        raw = await asyncio.wait_for(websocket.receive_text(), AUTH_SECONDS)
        op = Op.validate_json(raw)
    except (TimeoutError, ValidationError, WebSocketDisconnect, KeyError):
        return None
    return op.token if isinstance(op, Auth) else None


def _why(rejected: TokenRejected) -> str:
    return "token expired" if rejected.reason == Rejection.EXPIRED else "token not valid"


class Connection(QueuedSocket):
    def __init__(self, hub: Hub, websocket: WebSocket, agent: scope.Agent, secret: str) -> None:
        super().__init__(websocket, QUEUE_LIMIT)
        self.hub = hub
        self.agent = agent
        self.views: set[str] = set()
        self.tickets: set[int] = set()
        self.viewing: set[int] = set()
        self.desk = False  # follows the desk topic: changes of no ticket
        self._secret = secret

    def __str__(self) -> str:
        return f"realtime client of user {self.agent.viewer.user_id}"

    async def close(self, code: int, reason: str) -> None:
        self.end(code, reason)

    async def run(self, *beside: Callable[[], Coroutine[Any, Any, None]]) -> None:
        await super().run(self._guard, *beside)

    async def _read(self) -> None:
        with contextlib.suppress(WebSocketDisconnect):
            async for raw in self._websocket.iter_text():
                try:
                    op = Op.validate_json(raw)
                except ValidationError as exc:
                    self._error(None, "invalid", exc.errors()[0]["msg"] if exc.errors() else "")
                    continue
                await self._handle(op)

    async def _handle(self, op: Follow | OnTicket | Ping | Auth) -> None:
        match op:
            case Ping():
                self.offer(dumps({"type": "pong", "time": time.time()}))
            case Auth():
                self._error("auth", "invalid", "already signed in")
            case Follow(view=str(view), ticket=None, topic=None):
                (self.views.add if op.op == "subscribe" else self.views.discard)(view)
                self.offer(dumps({"type": f"{op.op}d", "view": view}))
            case Follow(view=None, ticket=None, topic=str(topic)):
                self.desk = op.op == "subscribe"
                self.offer(dumps({"type": f"{op.op}d", "topic": topic}))
            case Follow(view=None, ticket=int(number), topic=None):
                if op.op == "unsubscribe":
                    self.tickets.discard(number)
                    self.offer(dumps({"type": "unsubscribed", "ticket": number}))
                elif await self._may_see(op.op, number):  # else it answered not_found alone
                    self.tickets.add(number)
                    present = self.hub.on_ticket(number)
                    self.offer(
                        dumps({"type": "subscribed", "ticket": number, "on_ticket": present})
                    )
            case Follow():
                self._error(op.op, "invalid", "give exactly one of view, ticket and topic")
            case OnTicket(ticket=number) if await self._may_see(op.op, number):
                (self.viewing.discard if op.stop else self.viewing.add)(number)
                self.hub.signal(op.op, self, number, active=not op.stop)

    async def _may_see(self, op: str, number: int) -> bool:
        where = await asyncio.to_thread(scope.load, [number])
        ticket = where.tickets.get(number)
        viewer = self.agent.viewer
        if ticket is None or not sees_ticket(
            viewer, where.restrict_to_teams, ticket.team_id, ticket.assignee_id
        ):
            # Word for word what a missing ticket gets: numbers outside one's teams say nothing.
            self._error(op, "not_found", f"ticket {number} does not exist or is not visible to you")
            return False
        return True

    def hide(self, number: int) -> None:
        """A ticket the socket subscribed to, or one of its views listed, while it could see
        it has moved out of its sight (another team, another assignee, a narrower role): say
        so once and end the subscription. Once only, because a notice per later change would
        tell the agent when a ticket they may no longer see is worked on; to follow it again
        they subscribe, which checks again."""
        self.tickets.discard(number)
        if number in self.viewing:  # colleagues stop seeing them on a ticket they cannot see
            self.viewing.discard(number)
            self.hub.signal("viewing", self, number, active=False)
        self.offer(dumps({"type": "ticket.hidden", "ticket": number}))

    async def recheck(self) -> None:
        """Who the token stands for now, from the database (the periodic check, and at once
        when their access changed: ``access_changes``). A revoked or expired token or a
        deactivated user closes the socket; a changed role or team counts from the next
        message on: subscribed tickets now out of sight are hidden, and the client is told
        to refetch what it shows (``access.changed``)."""
        try:
            agent = await asyncio.to_thread(scope.agent_for, self._secret)
        except TokenRejected as rejected:
            self.end(CloseCode.UNAUTHENTICATED, _why(rejected))
            return
        before, self.agent = self.agent.viewer, agent
        if agent.viewer == before:
            return
        if self.tickets:
            where = await asyncio.to_thread(scope.load, set(self.tickets))
            for number in sorted(self.tickets):
                ticket = where.tickets.get(number)
                if ticket is None or not sees_ticket(
                    agent.viewer, where.restrict_to_teams, ticket.team_id, ticket.assignee_id
                ):
                    self.hide(number)
        self.offer(dumps({"type": "access.changed"}))

    def _error(self, op: str | None, error: str, detail: str) -> None:
        self.offer(dumps({"type": "error", "op": op, "error": error, "detail": detail}))

    async def _guard(self) -> None:
        """Check the token again now and then, and at its expiry."""
        while True:
            wait = REVALIDATE_SECONDS
            if (expires := self.agent.expires_at_epoch) is not None:
                wait = min(wait, max(expires - time.time(), 0.0) + 0.01)
            await asyncio.sleep(wait)
            try:
                await self.recheck()
            except Exception:
                log.exception("re-checking a realtime client's token failed; retrying")
                continue
            if self._ended is not None:
                return
            await _presence(routing_stream.still_connected, self.agent.viewer.user_id)
