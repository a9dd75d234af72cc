"""Inbox filters: read from a query string or a saved view, checked, turned into SQL.

One type for the inbox page's query string, a saved view's stored ``filters`` and the API's
body, so a filtered inbox URL, a saved view and ``GET /api/v1/views/{id}/tickets`` always
select the same tickets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import ColumnElement, and_, exists, true

from minidesk.desk.models import Priority, Status, Ticket, TicketTag, User
from minidesk.triage import taxonomy


class FilterError(ValueError):
    """A filter value the desk cannot mean; ``field`` names which one."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


# Who a ticket is assigned to: the viewer (so one shared view means "mine" to each), nobody.
ME, NOBODY = "me", "none"
ASSIGNEES = (ME, NOBODY)
# Channel kinds, intents and tags are words; anything else cannot match and is a typo.
_WORD = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
KEYS = ("status", "priority", "channel", "intent", "tag", "team", "assignee")
TEAM_MAX = 2**31 - 1
# The filter form's choices; a custom model's own intents still filter by URL or API.
_TAUGHT = {taxonomy.RETURN, taxonomy.ORDER_LATE}
INTENTS = tuple(sorted(set(taxonomy.BITEXT_TO_MINIDESK.values()) | _TAUGHT))


@dataclass(frozen=True)
class Filters:
    status: tuple[Status, ...] = ()
    priority: tuple[Priority, ...] = ()
    channel: str | None = None  # a channel kind: email, api ...
    intent: str | None = None
    tag: str | None = None
    team: int | None = None
    assignee: str | None = None  # ME or NOBODY
    # Which fields were given, for merging over a built-in view's preset.
    given: frozenset[str] = field(default=frozenset(), compare=False)

    def where(self, user: User) -> ColumnElement[bool]:
        """The tickets these filters select, for ``user`` (``assignee=me`` is them)."""
        clauses: list[ColumnElement[bool]] = []
        if self.status:
            clauses.append(Ticket.status.in_([str(s) for s in self.status]))
        if self.priority:
            clauses.append(Ticket.priority.in_([str(p) for p in self.priority]))
        if self.channel is not None:
            clauses.append(Ticket.channel == self.channel)
        if self.intent is not None:
            clauses.append(Ticket.intent == self.intent)
        if self.team is not None:
            clauses.append(Ticket.team_id == self.team)
        if self.assignee == ME:
            clauses.append(Ticket.assignee_id == user.id)
        elif self.assignee == NOBODY:
            clauses.append(Ticket.assignee_id.is_(None))
        if self.tag is not None:
            clauses.append(
                exists().where(TicketTag.ticket_id == Ticket.id, TicketTag.tag == self.tag)
            )
        return and_(*clauses) if clauses else true()

    def over(self, preset: Filters) -> Filters:
        """These filters on top of ``preset`` (a built-in view's): a given field wins."""
        chosen = {key: getattr(self if key in self.given else preset, key) for key in KEYS}
        return Filters(**chosen, given=self.given | preset.given)

    def as_data(self) -> dict[str, Any]:
        """The JSON a saved view stores and the API shows: only the fields that filter."""
        data: dict[str, Any] = {}
        if self.status:
            data["status"] = [str(s) for s in self.status]
        if self.priority:
            data["priority"] = [str(p) for p in self.priority]
        for key in ("channel", "intent", "tag", "team", "assignee"):
            if (value := getattr(self, key)) is not None:
                data[key] = value
        return data

    def query(self) -> list[tuple[str, str]]:
        """The query-string pairs that read back as these filters (a shareable URL)."""
        pairs: list[tuple[str, str]] = []
        for key, value in self.as_data().items():
            values = value if isinstance(value, list) else [value]
            pairs.extend((key, str(v)) for v in values)
        return pairs

    @property
    def active(self) -> bool:
        return bool(self.as_data())


def _choices(kind: type[Status] | type[Priority], key: str, values: Iterable[Any]) -> list[Any]:
    chosen = []
    for value in values:
        if not isinstance(value, str):
            raise FilterError(key, f"{value!r} is not one of {', '.join(kind)}")
        try:
            member = kind(value)
        except ValueError:
            raise FilterError(key, f"{value!r} is not one of {', '.join(kind)}") from None
        if member not in chosen:
            chosen.append(member)
    return chosen


def _word(key: str, value: Any) -> str:
    if not isinstance(value, str) or not _WORD.match(value.strip().lower()):
        raise FilterError(key, f"{value!r} is not a {key} name (letters, digits, _ . -)")
    return value.strip().lower()


def _team(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise FilterError("team", f"{value!r} is not a team id")
    text = str(value)
    if not text.isdigit() or not 1 <= int(text) <= TEAM_MAX:
        raise FilterError("team", f"{value!r} is not a team id")
    return int(text)


def parse(data: Mapping[str, Any]) -> Filters:
    """Filters from a saved view's JSON or an API body (lists for status and priority, one
    value for the rest; empty values filter nothing). ``FilterError`` names what is wrong."""
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise FilterError(unknown[0], f"is not a filter; filters are {', '.join(KEYS)}")
    chosen: dict[str, Any] = {}
    for key in ("status", "priority"):
        raw = data.get(key)
        if raw in (None, "", []):
            continue
        values = raw if isinstance(raw, list) else [raw]
        kind: type[Status] | type[Priority] = Status if key == "status" else Priority
        chosen[key] = tuple(_choices(kind, key, values))
    for key in ("channel", "intent", "tag"):
        if data.get(key) not in (None, ""):
            chosen[key] = _word(key, data[key])
    if data.get("team") not in (None, ""):
        chosen["team"] = _team(data["team"])
    if (assignee := data.get("assignee")) not in (None, ""):
        if assignee not in ASSIGNEES:
            raise FilterError("assignee", f"{assignee!r} is not one of {', '.join(ASSIGNEES)}")
        chosen["assignee"] = assignee
    return Filters(**chosen, given=frozenset(chosen))


def from_query(pairs: Sequence[tuple[str, str]]) -> Filters:
    """Filters from a query string's pairs; other parameters (``view``, ``before``) are the
    page's own and ignored here."""
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key not in KEYS:
            continue
        if key in ("status", "priority"):
            if value:
                data.setdefault(key, []).append(value)
        else:
            data[key] = value
    return parse(data)


def url(pairs: Sequence[tuple[str, str]]) -> str:
    return "/inbox" + (f"?{urlencode(pairs)}" if pairs else "")


NONE = Filters()


def preset(**values: Any) -> Filters:
    """A built-in view's filters, as if given."""
    return replace(NONE, **values, given=frozenset(values))
