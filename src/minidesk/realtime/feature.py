"""Realtime's manifest: the agents' stream (``/api/v1/stream``). Publishing after commit is
installed by the processes that commit (the web app, ``minidesk worker``)."""

from __future__ import annotations

from minidesk.features import Feature

FEATURE = Feature(name="realtime", routers=("minidesk.web.api.stream:router",))
