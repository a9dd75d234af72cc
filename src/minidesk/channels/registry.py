"""Channel kind → its ``ChannelKind``, as the features' manifests declare it, imported lazily
so a kind that is not used costs nothing."""

from __future__ import annotations

from functools import cache

from minidesk import features
from minidesk.channels.base import ChannelAdapter
from minidesk.channels.kinds import ChannelKind


class UnknownChannel(LookupError):
    pass


@cache
def kind(name: str) -> ChannelKind:
    kinds = features.channel_kinds()
    try:
        dotted = kinds[name]
    except KeyError:
        raise UnknownChannel(
            f"no channel kind {name!r}; known: {', '.join(sorted(kinds))}"
        ) from None
    found: ChannelKind = features.resolve(dotted)
    return found


def customer_kinds() -> list[str]:
    """The kinds that have channel instances (every kind but outbox-only ones)."""
    return [name for name in features.channel_kinds() if kind(name).instances]


@cache
def adapter(name: str) -> ChannelAdapter:
    instance: ChannelAdapter = features.resolve(kind(name).adapter)()
    return instance
