"""The widget's frames on ``/chat/ws`` (docs/channels.md, "Web chat"): what a visitor may
send, checked before anything is done with it, and the error frame a bad one gets."""

from __future__ import annotations

import json
from enum import IntEnum, StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

MAX_TEXT = 4000
MAX_ATTACHMENTS = 3
# The client's own id for a line: what makes a retry after a reconnect a duplicate.
ClientId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
Seq = Annotated[int, Field(ge=0, le=2**62)]


class CloseCode(IntEnum):
    GOING_AWAY = 1001  # the server is shutting down; reconnect
    NO_HELLO = 4400  # the first frame was not a hello, or none came in time
    ORIGIN = 4403  # the page's Origin is not one of the channel's allowed origins
    NO_CHANNEL = 4404  # no such chat channel, or it is switched off
    TOO_SLOW = 4429  # frames piled up unread
    TRY_LATER = 1013  # too many new visitors from this address: wait ``retry_after``, then hello


class Error(StrEnum):
    INVALID = "invalid"  # not a frame we know, or a field out of bounds
    RATE_LIMITED = "rate_limited"
    TOO_LARGE = "too_large"
    ATTACHMENT_TYPE = "attachment_type"
    IDENTITY = "identity_rejected"
    UNAVAILABLE = "unavailable"  # could not be stored now: send it again


class Op(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Hello(Op):
    op: Literal["hello"]
    token: Annotated[str, Field(max_length=100)] | None = None
    last_seq: Seq = 0
    name: Annotated[str, Field(max_length=200)] = ""
    email: Annotated[str, Field(max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")] | None = None
    user_id: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    user_hash: Annotated[str, Field(pattern=r"^[0-9a-fA-F]{64}$")] | None = None
    page: Annotated[str, Field(max_length=2000)] = ""


class Upload(Op):
    filename: Annotated[str, Field(min_length=1, max_length=255)]
    content_type: Annotated[str, Field(min_length=1, max_length=100)]
    # Base64; its decoded size is checked against the channel's limit.
    data: str


class Say(Op):
    op: Literal["message"]
    id: ClientId
    text: Annotated[str, Field(max_length=MAX_TEXT)] = ""
    attachments: Annotated[list[Upload], Field(max_length=MAX_ATTACHMENTS)] = []
    # An answer tapped on one of our lines' ``choices`` (its id); with ``comment`` the text is
    # a comment on that answer rather than the answer's title.
    choice: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    comment: bool = False


class Typing(Op):
    op: Literal["typing"]
    active: bool = True


class Read(Op):
    op: Literal["read"]
    seq: Seq


class Offline(Op):
    op: Literal["offline"]
    id: ClientId
    email: Annotated[str, Field(max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    name: Annotated[str, Field(max_length=200)] = ""
    text: Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]


class Ping(Op):
    op: Literal["ping"]


Frame = Say | Typing | Read | Offline | Ping | Hello
FRAME = TypeAdapter[Frame](Annotated[Frame, Field(discriminator="op")])


class BadFrame(ValueError):
    def __init__(self, detail: str, client_id: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.client_id = client_id


def parse(raw: str) -> Frame:
    """The frame in ``raw``; ``BadFrame`` naming the first problem (and the line's client id
    when there is one, so the widget can mark that line failed)."""
    try:
        return FRAME.validate_json(raw)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(p) for p in problem["loc"])
        raise BadFrame(
            f"{where}: {problem['msg']}" if where else problem["msg"], _id(raw)
        ) from None


def _id(raw: str) -> str | None:
    try:
        found = json.loads(raw).get("id")
    except (ValueError, AttributeError):
        return None
    return found[:64] if isinstance(found, str) else None


def error(kind: Error, detail: str, client_id: str | None = None, **more: Any) -> dict[str, Any]:
    frame: dict[str, Any] = {"type": "error", "error": kind, "detail": detail}
    if client_id is not None:
        frame["id"] = client_id
    return {**frame, **more}
