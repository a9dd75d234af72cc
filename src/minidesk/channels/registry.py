"""Channel kind → adapter, imported lazily so a kind that is not used costs nothing."""

from __future__ import annotations

import importlib
from functools import cache

from minidesk.channels.base import ChannelAdapter

KINDS: dict[str, str] = {
    "api": "minidesk.channels.api.adapter:ApiAdapter",
    "email": "minidesk.channels.email.adapter:EmailAdapter",
}


class UnknownChannel(LookupError):
    pass


@cache
def adapter(kind: str) -> ChannelAdapter:
    try:
        dotted = KINDS[kind]
    except KeyError:
        raise UnknownChannel(
            f"no channel kind {kind!r}; known: {', '.join(sorted(KINDS))}"
        ) from None
    module_name, _, attr = dotted.partition(":")
    factory = getattr(importlib.import_module(module_name), attr)
    instance: ChannelAdapter = factory()
    return instance
