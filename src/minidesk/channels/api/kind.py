"""The API channel kind: one instance per integration client, and one for people's tokens."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from minidesk.channels.kinds import ChannelKind, NoSecrets


class ApiSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # The integration whose messages arrive here; None on the row for personal tokens.
    integration: str | None = None


KIND = ChannelKind(
    kind="api",
    adapter="minidesk.channels.api.adapter:ApiAdapter",
    settings=ApiSettings,
    secrets=NoSecrets,
    router="minidesk.web.api.inbound:router",
    admin_creates=False,
)
