"""The SMS channel's manifest: consent tables, Twilio's webhooks, the Twilio adapter."""

from __future__ import annotations

from minidesk.features import Feature

FEATURE = Feature(
    name="channels.sms",
    models=("minidesk.channels.sms.models",),
    routers=("minidesk.channels.sms.routes:hooks",),
    channel_kinds={"sms": "minidesk.channels.sms.kind:KIND"},
)
