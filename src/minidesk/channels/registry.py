"""Channel kind → adapter, as the features' manifests declare it, imported lazily so a kind
that is not used costs nothing."""

from __future__ import annotations

from functools import cache

from minidesk import features
from minidesk.channels.base import ChannelAdapter


class UnknownChannel(LookupError):
    pass


@cache
def adapter(kind: str) -> ChannelAdapter:
    kinds = features.channel_kinds()
    try:
        dotted = kinds[kind]
    except KeyError:
        raise UnknownChannel(
            f"no channel kind {kind!r}; known: {', '.join(sorted(kinds))}"
        ) from None
    instance: ChannelAdapter = features.resolve(dotted)()
    return instance
