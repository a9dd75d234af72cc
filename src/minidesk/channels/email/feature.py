"""The email channel's manifest: mailboxes and their API, provider hooks, the SMTP adapter."""

from __future__ import annotations

from minidesk.features import Feature

FEATURE = Feature(
    name="channels.email",
    models=("minidesk.channels.email.models",),
    routers=("minidesk.channels.email.web:router", "minidesk.channels.email.web:hooks"),
    channel_kinds={"email": "minidesk.channels.email.kind:KIND"},
)
