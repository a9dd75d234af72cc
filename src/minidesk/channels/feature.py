"""Channels' manifest: channel instances (the table, the admin API). Each kind's package
declares its own kind in a manifest of its own."""

from __future__ import annotations

from minidesk.features import Feature

FEATURE = Feature(
    name="channels",
    models=("minidesk.channels.models",),
    # Provider-hosted media (MMS, WhatsApp) fetched after the message is in.
    listeners=("minidesk.channels.media",),
    long_jobs=("minidesk.channels.media:FETCH_JOB",),
    routers=(
        "minidesk.web.api.channels:router",
        "minidesk.web.api.attachments:router",
        "minidesk.web.ui.admin.channel_pages:router",
    ),
)
