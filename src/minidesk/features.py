"""One manifest per feature, and the one list of the features that are installed.

A feature package declares what it brings in its ``feature.py`` (``FEATURE = Feature(...)``),
by dotted name, so reading a manifest imports nothing of the feature itself. Each entry point
then imports only the part it needs:

- ``minidesk.models`` (alembic, ``db upgrade``, tests) imports every feature's ``models``;
- every process that runs jobs calls ``load_listeners()``, so an event is handled the same
  whichever worker picks it up, and the minute sweep runs ``sweepers()`` and ``long_jobs()``;
- the web app includes ``routers()`` (the worker never imports FastAPI for them);
- the channel registry resolves ``channel_kinds()`` when a kind is first used;
- the CLI mounts ``commands()``;
- the inbound pipeline asks ``inbound_hooks()`` before a message continues a ticket, and
  routing asks ``routing_checks()`` who may take a ticket, so neither imports the feature
  that answers.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Sequence

    from fastapi import APIRouter
    from sqlalchemy.orm import Session
    from typer import Typer

    from minidesk.channels.base import InboundMessage
    from minidesk.desk.models import Ticket
    from minidesk.periodic import LongJob, Sweeper
    from minidesk.triage import TriageResult

    # (session, the sender and the customers merged with them, the message, what triage
    # read in it) → the ticket to file it on as it stands, or None to thread it as usual.
    InboundHook = Callable[[Session, Sequence[int], InboundMessage, TriageResult], Ticket | None]
    # (session, ticket, the skill names routing says it needs (``routing.skills.needed``),
    # the candidate agents' ids, now) → what the ticket needs (words for the decision's
    # reason) and, per agent who lacks it, why; None when this check has no say.
    RoutingCheck = Callable[
        [Session, Ticket, Sequence[str], Sequence[int], dt.datetime],
        tuple[str, dict[int, str]] | None,
    ]


class FeatureError(LookupError):
    pass


@dataclass(frozen=True)
class Feature:
    """What a feature adds to the desk. Modules are ``"package.module"``, objects
    ``"package.module:attribute"``."""

    name: str
    # Modules defining tables, so that ``Base.metadata`` (and alembic) sees the whole schema.
    models: tuple[str, ...] = ()
    # Modules whose import registers event listeners (``events.listen``).
    listeners: tuple[str, ...] = ()
    # ``periodic.Sweeper`` functions, called by every minute sweep.
    sweepers: tuple[str, ...] = ()
    # ``periodic.LongJob`` objects, queued as jobs of their own when due.
    long_jobs: tuple[str, ...] = ()
    # FastAPI ``APIRouter`` objects.
    routers: tuple[str, ...] = ()
    # Channel kind → its ``channels.kinds.ChannelKind``.
    channel_kinds: Mapping[str, str] = field(default_factory=dict)
    # CLI sub-command → ``typer.Typer`` app (its own ``help`` is what ``--help`` shows).
    commands: Mapping[str, str] = field(default_factory=dict)
    # ``InboundHook`` functions: the pipeline calls each, in order, for every customer message
    # before threading reopens a solved ticket or follows up a closed one; the first to return
    # a ticket has the message filed on it as it stands (neither reopened nor followed up).
    inbound_hooks: tuple[str, ...] = ()
    # ``RoutingCheck`` functions: routing asks each which of a ticket's candidates may not take
    # it, and why (e.g. not certified for escalations, or for ``channel.whatsapp``).
    routing_checks: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # ``("one.module")`` is a string, not a tuple: its letters would be imported one by one.
        parts = ("models", "listeners", "sweepers", "long_jobs", "routers", "inbound_hooks",
                 "routing_checks")  # fmt: skip
        for part in parts:
            if isinstance(getattr(self, part), str):
                raise FeatureError(f"feature {self.name}: {part} is a string, not a tuple")


# The desk's spine: the event log, the inbox and the outbox that every feature builds on.
CORE = Feature(
    name="core",
    models=("minidesk.events", "minidesk.inbox", "minidesk.outbox"),
    routers=("minidesk.web.api.admin:router",),
)

# Every feature's manifest (``<package>.feature:FEATURE``); the order is the API docs' order.
INSTALLED: tuple[str, ...] = (
    "minidesk.desk",
    "minidesk.channels",
    "minidesk.channels.api",
    "minidesk.channels.email",
    "minidesk.channels.chat",
    "minidesk.channels.sms",
    "minidesk.channels.whatsapp",
    "minidesk.commerce",
    "minidesk.policies",
    "minidesk.replies",
    "minidesk.automation",
    "minidesk.resolutions",
    "minidesk.triage",
    "minidesk.webhooks",
    "minidesk.realtime",
    "minidesk.wfm",
    "minidesk.saved_views",
    "minidesk.sla",
    "minidesk.routing",
    "minidesk.ticket_fields",
    "minidesk.escalation",
    "minidesk.kb",
    "minidesk.insights",
    "minidesk.search",
)


@cache
def installed() -> tuple[Feature, ...]:
    """The core and every installed feature's manifest, checked for clashes."""
    found = [CORE]
    for package in INSTALLED:
        feature = importlib.import_module(f"{package}.feature").FEATURE
        if not isinstance(feature, Feature):
            raise FeatureError(f"{package}.feature.FEATURE is not a Feature")
        found.append(feature)
    _check_unique("feature", [feature.name for feature in found])
    _check_unique("channel kind", [kind for f in found for kind in f.channel_kinds])
    _check_unique("command", [name for f in found for name in f.commands])
    return tuple(found)


def _check_unique(what: str, names: list[str]) -> None:
    clashes = sorted({name for name in names if names.count(name) > 1})
    if clashes:
        raise FeatureError(f"{what} declared by two features: {', '.join(clashes)}")


def resolve(dotted: str) -> Any:
    """``"package.module:attribute"`` → the attribute, importing the module."""
    module_name, _, attribute = dotted.partition(":")
    return getattr(importlib.import_module(module_name), attribute)


def load_models() -> None:
    for feature in installed():
        for module in feature.models:
            importlib.import_module(module)


def load_listeners() -> None:
    for feature in installed():
        for module in feature.listeners:
            importlib.import_module(module)


def sweepers() -> tuple[Sweeper, ...]:
    return tuple(resolve(dotted) for feature in installed() for dotted in feature.sweepers)


def long_jobs() -> dict[str, LongJob]:
    jobs: list[LongJob] = [resolve(dotted) for f in installed() for dotted in f.long_jobs]
    # The name is what the queue carries: two jobs under one name would run each other's work.
    _check_unique("long job", [job.name for job in jobs])
    return {job.name: job for job in jobs}


def routers() -> list[APIRouter]:
    return [resolve(dotted) for feature in installed() for dotted in feature.routers]


def channel_kinds() -> dict[str, str]:
    return {
        kind: dotted for feature in installed() for kind, dotted in feature.channel_kinds.items()
    }


@cache
def inbound_hooks() -> tuple[InboundHook, ...]:
    return tuple(resolve(dotted) for f in installed() for dotted in f.inbound_hooks)


@cache
def routing_checks() -> tuple[RoutingCheck, ...]:
    return tuple(resolve(dotted) for f in installed() for dotted in f.routing_checks)


def commands() -> dict[str, Typer]:
    return {name: resolve(dotted) for f in installed() for name, dotted in f.commands.items()}
