"""Fan-out: offering one batch of notices and signals to the sockets of one process.

A batch is whatever queued while the previous one was delivered: where its tickets sit is
loaded in one query, however many sockets, and each message is encoded once and offered to
every socket that follows it *and* may see it. Offering never waits (``socket.QueuedSocket``),
so a slow client can never hold up the others.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

from minidesk.desk.access import sees_ticket
from minidesk.realtime import access_changes, audience, scope, views
from minidesk.realtime.access_changes import AccessChanged
from minidesk.realtime.notices import DeskNotice, Notice
from minidesk.realtime.presence import OnTicket
from minidesk.realtime.socket import dumps

if TYPE_CHECKING:
    from minidesk.realtime.connection import Connection

# What the fan-out works through: one transaction's ticket notices, its desk notices, a
# viewing or typing signal, or a change of some users' access.
Offered = list[Notice] | tuple[DeskNotice, ...] | dict[str, Any]
Item = Offered | AccessChanged


class FanOut:
    def __init__(self, connections: set[Connection], on_ticket: OnTicket) -> None:
        self.connections = connections  # the hub's own set: sockets come and go
        self.on_ticket = on_ticket

    async def deliver(self, items: list[Item]) -> None:
        """Offer ``items`` in order. A change of access is a barrier: the sockets concerned
        are re-checked before anything after it is offered, so an agent taken off a team
        hears nothing of that team committed after the change."""
        batch: list[Offered] = []
        for item in items:
            if isinstance(item, AccessChanged):
                await self._deliver(batch)
                batch = []
                await access_changes.recheck(list(self.connections), item.users)
            else:
                batch.append(item)
        await self._deliver(batch)

    async def _deliver(self, items: list[Offered]) -> None:
        signals = [item for item in items if isinstance(item, dict)]
        for signal in signals:
            self.on_ticket.remember(signal)
        if not self.connections or not items:
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
                    connection.hide(notice.ticket)
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
