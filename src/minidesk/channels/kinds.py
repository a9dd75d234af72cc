"""What a channel kind declares: its typed settings and secrets, its inbound routes and its
outbound adapter. One ``ChannelKind`` per kind, found through ``registry.kind()``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from minidesk.channels.models import Channel
    from minidesk.desk.models import Ticket
    from minidesk.events import Actor


class ChannelError(ValueError):
    """A channel change that cannot be made as asked (the message says why)."""


class ReplyRefused(ChannelError):
    """A reply this channel cannot send now (WhatsApp's 24-hour window has closed); ``slug``
    is the problem type the API answers with."""

    def __init__(self, slug: str, detail: str) -> None:
        super().__init__(detail)
        self.slug = slug


class NoSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NoSecrets(BaseModel):
    model_config = ConfigDict(extra="forbid")


# Writes a checked change of a channel's settings/secrets (only the fields given) wherever the
# kind keeps them; ``created`` says the row is new. The default keeps both on the row itself.
Store = Callable[["Session", "Channel", dict[str, Any], dict[str, Any], "Actor", bool], None]

# Checks a reply before it is queued on a channel instance (raises ``ReplyRefused``):
# (session, ticket, channel_id, the reply's meta, whether automation wrote it).
CheckReply = Callable[["Session", "Ticket", int, dict[str, Any], bool], None]

# A channel's settings and the names of its secrets that are set, as an admin sees them.
View = Callable[["Session", "Channel"], tuple[dict[str, Any], list[str]]]


@dataclass(frozen=True)
class ChannelKind:
    kind: str
    # "module:attribute" of the adapter factory (imported on first delivery).
    adapter: str
    settings: type[BaseModel] = NoSettings
    secrets: type[BaseModel] = NoSecrets
    # "module:attribute" of the APIRouter that takes this kind's mail/webhooks in, or None.
    router: str | None = None
    # False for outbox kinds that are no customer channel (rules' webhook POSTs): no rows.
    instances: bool = True
    # False when the desk makes the rows itself (one per API integration): admins only edit.
    admin_creates: bool = True
    # "module:attribute" of a ``Store``; None keeps settings and secrets on the channel row.
    store: str | None = None
    # "module:attribute" of a ``View`` reading them back (for a kind with its own ``store``).
    view: str | None = None
    # "module:attribute" of a ``CheckReply``; None: every reply may be queued.
    check_reply: str | None = None
    # "module:attribute" of a ``channels.media.FetchMedia`` that gets the bytes of media the
    # provider hosts (``AttachmentIn.fetch``); None: the kind's files come with their bytes.
    fetch_media: str | None = None
