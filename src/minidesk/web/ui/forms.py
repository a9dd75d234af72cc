"""What the workspace's forms post, read into the desk's own types with clear refusals."""

from __future__ import annotations

from typing import TypeVar

from minidesk.desk.changes import TicketChanges
from minidesk.desk.models import Priority, Status

E = TypeVar("E", Status, Priority)


class FormError(ValueError):
    pass


def _choice(kind: type[E], value: str, what: str) -> E | None:
    if not value:
        return None
    try:
        return kind(value)
    except ValueError:
        raise FormError(f"{what} {value!r} is not one of {', '.join(kind)}") from None


def _id(value: str, what: str) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        raise FormError(f"{what} must be a number")
    return int(value)


def tags(value: str) -> list[str]:
    return [tag.strip() for tag in value.replace(",", " ").split() if tag.strip()]


def ticket_changes(
    *,
    status: str = "",
    priority: str = "",
    assignee: str = "",
    team: str = "",
    add_tags: str = "",
    remove_tags: str = "",
) -> TicketChanges:
    """``assignee`` is a user id or ``none``; empty fields change nothing."""
    return TicketChanges(
        status=_choice(Status, status, "status"),
        priority=_choice(Priority, priority, "priority"),
        unassign=assignee == "none",
        assignee_id=None if assignee == "none" else _id(assignee, "assignee"),
        team_id=_id(team, "team"),
        add_tags=tags(add_tags),
        remove_tags=tags(remove_tags),
    )
