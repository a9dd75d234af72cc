"""Which event kinds a subscription wants: catalogued kinds, ``prefix.*`` or ``*``.

Patterns are checked against the catalogue when saved, so a typo is a 422 instead of a
subscription that silently never receives anything.
"""

from __future__ import annotations

from collections.abc import Iterable

from minidesk.event_kinds import CATALOGUE

EVERYTHING = "*"
WILDCARD = ".*"
MAX_PATTERNS = 100


class PatternError(ValueError):
    pass


def check_patterns(patterns: Iterable[str]) -> list[str]:
    """The patterns, deduplicated in order; ``PatternError`` naming every one that matches
    no catalogued kind."""
    checked = list(dict.fromkeys(patterns))
    if not checked:
        raise PatternError("subscribe to at least one event kind (or '*' for all)")
    if len(checked) > MAX_PATTERNS:
        raise PatternError(f"at most {MAX_PATTERNS} event patterns")
    if unknown := [p for p in checked if not any(matches([p], kind) for kind in CATALOGUE)]:
        which = ", ".join(map(repr, unknown))
        raise PatternError(
            f"{which} {'matches' if len(unknown) == 1 else 'match'} no event kind in the "
            "catalogue (docs/events.md); use a kind such as 'ticket.created', a prefix such "
            "as 'ticket.*', or '*'"
        )
    return checked


def matches(patterns: Iterable[str], kind: str) -> bool:
    for pattern in patterns:
        if pattern in (EVERYTHING, kind):
            return True
        if pattern.endswith(WILDCARD) and kind.startswith(pattern[:-1]):
            return True
    return False
