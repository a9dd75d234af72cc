"""Who hears which events: ``listen`` registers a listener for catalogued kinds, and
``listeners_for`` says which of them an event reaches (automation's own events only reach
listeners that opted in)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import NamedTuple

from sqlalchemy.orm import Session

from minidesk.event_kinds import EventKind, check_kind
from minidesk.events.model import Event

Listener = Callable[[Session, Event], None]


class Registered(NamedTuple):
    fn: Listener
    automated: bool  # hears events that automation caused
    transactional: bool  # may share a savepoint: see ``listen``


_listeners: dict[str, list[Registered]] = defaultdict(list)


ALL = "*"


def listen(
    *kinds: EventKind | str, automated: bool = False, transactional: bool = False
) -> Callable[[Listener], Listener]:
    """Register a listener for event kinds (``ALL`` for every kind). ``automated=True`` opts
    in to events that automation itself caused; by default those are skipped, which breaks
    loops. An uncatalogued kind raises ``ValueError`` at import, not silence at run time.

    ``transactional=True`` promises that everything the listener does is in the transaction
    (rows, ``memo``, ``on_commit`` hooks, calls keyed for idempotency), so rolling it back
    and running it again leaves no trace of the first run: such listeners share one savepoint
    per dispatch batch instead of one each per event (see ``dispatch_many``)."""
    checked = [kind if kind == ALL else str(check_kind(kind)) for kind in kinds]

    def register(fn: Listener) -> Listener:
        for kind in checked:
            _listeners[kind].append(Registered(fn, automated, transactional))
        return fn

    return register


def registered_for(event: Event) -> list[Registered]:
    """The listeners that hear ``event``, in registration order (skipping those that did not
    opt in to what automation caused)."""
    found = [*_listeners.get(event.kind, []), *_listeners.get(ALL, [])]
    return [entry for entry in found if entry.automated or not event.automated]


def listeners_for(event: Event) -> list[Listener]:
    return [entry.fn for entry in registered_for(event)]


def listened_kinds() -> frozenset[str]:
    """Every kind some listener is registered for (``ALL`` included when one listens to all)."""
    return frozenset(kind for kind, found in _listeners.items() if found)
