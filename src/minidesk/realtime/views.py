"""Views a socket follows, and which tickets each holds for an agent: the stream's side of
``my-open``, ``team:<id>`` and ``all``.

A change to a ticket's status, assignee or team can take it out of a view (solved, so no
longer in ``my-open``; moved to another team) or out of the agent's sight altogether. The
notice of such a change carries the value before it (``Notice.before``), so the hub can tell
the sockets whose views held the ticket that it left them: otherwise their lists would keep
a row that no longer belongs there, since the change itself no longer reaches them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence

from minidesk.desk.access import Viewer, sees_ticket
from minidesk.realtime.notices import Notice
from minidesk.realtime.scope import TicketScope

MY_OPEN = "my-open"
ALL = "all"
TEAM = "team:"


def holds(view: str, viewer: Viewer, ticket: TicketScope) -> bool:
    """Whether ``view`` lists ``ticket`` for ``viewer``, visibility aside."""
    if view == ALL:
        return True
    if view == MY_OPEN:
        return ticket.open and ticket.assignee_id == viewer.user_id
    return view == f"{TEAM}{ticket.team_id}"


def left(
    views: Collection[str],
    viewer: Viewer,
    restrict: bool,
    before: TicketScope,
    after: TicketScope,
) -> list[str]:
    """The views that listed the ticket for ``viewer`` before a change and no longer do
    (all of those it listed, if the ticket has left the agent's sight)."""
    if not sees_ticket(viewer, restrict, before.team_id, before.assignee_id):
        return []  # it was never theirs to see: they must not hear it moved
    sees_now = sees_ticket(viewer, restrict, after.team_id, after.assignee_id)
    return sorted(
        view
        for view in views
        if holds(view, viewer, before) and not (sees_now and holds(view, viewer, after))
    )


def removed(view: str, notice: Notice) -> dict[str, object]:
    """The message saying the change ``notice`` names took the ticket out of ``view``."""
    return {"type": "view.removed", "view": view, "ticket": notice.ticket, "event": notice.event_id}


def before_changes(
    notices: Sequence[Notice], now: dict[int, TicketScope]
) -> dict[int, TicketScope]:
    """For one transaction's notices: each ticket whose status, assignee or team changed, as it
    stood before the transaction (its state ``now``, with the first ``before`` of each field),
    keyed by the event id of its first such notice, where the hub says what it left."""
    firsts: dict[int, tuple[int, dict[str, object]]] = {}
    for notice in notices:
        if notice.before is None or notice.ticket not in now:
            continue
        _, fields = firsts.setdefault(notice.ticket, (notice.event_id, {}))
        field, value = notice.before
        fields.setdefault(field, value)
    return {
        event_id: dataclasses.replace(now[number], **fields)  # type: ignore[arg-type]
        for number, (event_id, fields) in firsts.items()
    }
