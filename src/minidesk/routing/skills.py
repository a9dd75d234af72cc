"""Routing's skill names: what a ticket needs, in words other features can key on.

A ticket needs ``channel.<kind>`` (its channel kind), ``language.<code>`` (when triage found
one), ``line.<product line>`` (when its intent or a tag maps to one) and ``urgent`` (priority
P1). Routing hands these names to every ``routing_checks`` entry, so a QA certification gate
named after one of them (docs/qa.md) applies to the tickets that need it without the check
recomputing routing's decision. ``known`` lists what the names can be on this desk now, so a
gate named after nothing is refused when it is saved rather than silently ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk import features
from minidesk.desk.models import Priority, Ticket
from minidesk.desk.workspace import get_workspace
from minidesk.routing.models import RoutingConfig

URGENT = "urgent"
CHANNEL, LANGUAGE, LINE = "channel", "language", "line"
# A prefixed name is ``<prefix>.<value>``; the value keeps routing's own spelling.
SEPARATOR = "."


def named(prefix: str, value: str) -> str:
    return f"{prefix}{SEPARATOR}{value}"


def needed(ticket: Ticket, line: str | None) -> tuple[str, ...]:
    """The skill names ``ticket`` needs, ``line`` being the product line routing found."""
    names = [named(CHANNEL, ticket.channel)]
    language = (ticket.language or "").lower()
    if language:
        names.append(named(LANGUAGE, language))
    if line:
        names.append(named(LINE, line))
    if ticket.priority == Priority.P1:
        names.append(URGENT)
    return tuple(names)


@dataclass(frozen=True)
class Known:
    """The values each prefix can take on this desk now, each sorted."""

    channels: tuple[str, ...]
    lines: tuple[str, ...]
    languages: tuple[str, ...]

    def values(self, prefix: str) -> tuple[str, ...]:
        return {CHANNEL: self.channels, LINE: self.lines, LANGUAGE: self.languages}[prefix]


def known(session: Session) -> Known:
    """Channel kinds installed, product lines the workspace's and teams' settings map intents
    or tags to, and the workspace's languages (the only ones triage gives a ticket)."""
    lines: set[str] = set()
    for mapping in session.scalars(select(RoutingConfig.product_lines)):
        lines.update(str(line) for line in (mapping or {}).values())
    languages = {str(code).lower() for code in get_workspace(session).languages}
    return Known(
        tuple(sorted(features.channel_kinds())), tuple(sorted(lines)), tuple(sorted(languages))
    )
