"""Channel kind → its ``ChannelKind``, imported lazily so a kind that is not used costs nothing."""

from __future__ import annotations

import importlib
from functools import cache
from typing import Any

from minidesk.channels.base import ChannelAdapter
from minidesk.channels.kinds import ChannelKind

KINDS: dict[str, str] = {
    "api": "minidesk.channels.api.kind:KIND",
    # Not a customer channel: rules' signed webhook POSTs, sent through the same outbox.
    "webhook": "minidesk.automation.webhook:CHANNEL_KIND",
    "email": "minidesk.channels.email.kind:KIND",
}


class UnknownChannel(LookupError):
    pass


def load(dotted: str) -> Any:
    module_name, _, attr = dotted.partition(":")
    return getattr(importlib.import_module(module_name), attr)


@cache
def kind(name: str) -> ChannelKind:
    try:
        dotted = KINDS[name]
    except KeyError:
        raise UnknownChannel(
            f"no channel kind {name!r}; known: {', '.join(sorted(KINDS))}"
        ) from None
    found: ChannelKind = load(dotted)
    return found


def customer_kinds() -> list[str]:
    """The kinds that have channel instances (every kind but outbox-only ones)."""
    return [name for name in KINDS if kind(name).instances]


@cache
def adapter(name: str) -> ChannelAdapter:
    instance: ChannelAdapter = load(kind(name).adapter)()
    return instance
