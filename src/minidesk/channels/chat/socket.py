"""One visitor's socket on ``/chat/ws``: the handshake (channel, Origin, hello), the replay
of what they missed, and the frames they send. Protocol: docs/channels.md, "Web chat".

Every line goes through the inbox like any channel's message: the ``ack`` means it is stored
durably; the line itself comes back (with its ``seq``) once the pipeline has filed it, to
every socket the visitor has open. The client's own id makes a line sent twice (a retry
after a reconnect) one message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from minidesk import inbox
from minidesk.channels.base import InboundMessage
from minidesk.channels.chat import conversation
from minidesk.channels.chat.conversation import Widget
from minidesk.channels.chat.hub import VISITOR_USER, ChatHub
from minidesk.channels.chat.identity import Visitor
from minidesk.channels.chat.protocol import (
    MAX_ATTACHMENTS,
    MAX_TEXT,
    BadFrame,
    CloseCode,
    Error,
    Hello,
    Offline,
    Ping,
    Read,
    Say,
    Typing,
    error,
    parse,
)
from minidesk.desk.public_writes import PublicWritesThrottled
from minidesk.realtime.hub import TYPING_SECONDS, dumps
from minidesk.realtime.socket import QueuedSocket

log = logging.getLogger(__name__)

HELLO_SECONDS = 10.0
QUEUE_LIMIT = 512
# Typing signals from one socket at most this often (the widget repeats while typing).
TYPING_EVERY = 2.0
# Room for a frame's JSON around its attachments' base64.
FRAME_OVERHEAD = 16 * 1024
# ``inbox.accept`` without blocking the loop (the web app's intake threads).
Accept = Callable[[InboundMessage], Awaitable[inbox.Accepted]]


async def serve(chat: ChatHub, websocket: WebSocket, channel_id: int, accept: Accept) -> None:
    widget = await asyncio.to_thread(conversation.load_widget, channel_id)
    if widget is None:
        await websocket.close(CloseCode.NO_CHANNEL, "no such chat")
        return
    # Browsers always send the page's Origin on a WebSocket handshake and a page's script
    # cannot change it: only the sites the shop listed may embed this chat.
    if not widget.allows(websocket.headers.get("origin")):
        await websocket.close(CloseCode.ORIGIN, "this site may not embed the chat")
        return
    await websocket.accept()
    hello = await _hello(websocket)
    if hello is None:
        with contextlib.suppress(Exception):
            await websocket.close(CloseCode.NO_HELLO, "send a hello first")
        return
    host = websocket.client.host if websocket.client else "unknown"
    try:
        met = await asyncio.to_thread(conversation.meet, widget, hello, host)
    except PublicWritesThrottled as exc:
        # Said first so the widget knows how long to wait before it says hello again.
        with contextlib.suppress(Exception):
            await websocket.send_text(
                dumps(error(Error.RATE_LIMITED, exc.detail, retry_after=exc.retry_after))
            )
            await websocket.close(CloseCode.TRY_LATER, "too many new chats from this address")
        return
    socket = VisitorSocket(chat, websocket, widget, met.visitor, hello, accept)
    chat.joined(socket, met.tickets)  # before the replay: a line written meanwhile is held
    try:
        history = await asyncio.to_thread(conversation.replay, widget, met.visitor, hello.last_seq)
        online = bool(chat.hub.online())
        socket.begin([met.hello_frame(widget, online), *met.errors, *history])
        await socket.run()
    finally:
        chat.left(socket)


async def _hello(websocket: WebSocket) -> Hello | None:
    try:
        raw = await asyncio.wait_for(websocket.receive_text(), HELLO_SECONDS)
        frame = parse(raw)
    except (TimeoutError, BadFrame, WebSocketDisconnect, KeyError):
        return None
    return frame if isinstance(frame, Hello) else None


class VisitorSocket(QueuedSocket):
    def __init__(
        self,
        chat: ChatHub,
        websocket: WebSocket,
        widget: Widget,
        visitor: Visitor,
        hello: Hello,
        accept: Accept,
    ) -> None:
        super().__init__(websocket, QUEUE_LIMIT)
        self.chat = chat
        self._accept_message = accept
        self.widget = widget
        self.visitor = visitor
        self.hello = hello
        # Lines that arrive before the replay is queued wait here, so hello comes first.
        self._held: list[str] | None = []
        self._typed_at = 0.0
        self._read_up_to = 0

    def begin(self, frames: list[dict[str, Any]]) -> None:
        held, self._held = self._held or [], None
        for frame in frames:
            self.offer(dumps(frame))
        for text in held:
            self.offer(text)

    def __str__(self) -> str:
        return f"chat visitor {self.visitor.id}"

    def offer(self, text: str) -> None:
        if self._ended is None and self._held is not None:
            self._held.append(text)
            return
        super().offer(text)

    def send(self, frame: dict[str, Any]) -> None:
        self.offer(dumps(frame))

    async def _read(self) -> None:
        limit = MAX_ATTACHMENTS * (self.widget.settings.attachment_max_bytes * 4 // 3 + 8)
        limit += FRAME_OVERHEAD + MAX_TEXT * 6
        with contextlib.suppress(WebSocketDisconnect):
            async for raw in self._websocket.iter_text():
                if len(raw) > limit:
                    self.send(error(Error.TOO_LARGE, f"frames are limited to {limit} bytes"))
                    continue
                try:
                    frame = parse(raw)
                except BadFrame as bad:
                    self.send(error(Error.INVALID, bad.detail, bad.client_id))
                    continue
                await self._handle(frame)

    async def _handle(self, frame: Any) -> None:
        match frame:
            case Say():
                await self._say(frame)
            case Offline():
                await self._offline(frame)
            case Typing():
                self._typing(frame.active)
            case Read():
                await self._mark_read(frame.seq)
            case Ping():
                self.send({"type": "pong", "time": time.time()})
            case Hello():
                self.send(error(Error.INVALID, "hello was already said on this socket"))

    async def _say(self, say: Say) -> None:
        if not say.text.strip() and not say.attachments:
            self.send(error(Error.INVALID, "a line needs text or an attachment", say.id))
            return
        wait = self.chat.allow(self.visitor.id)
        if wait:
            detail = "too many lines: wait a moment"
            self.send(error(Error.RATE_LIMITED, detail, say.id, retry_after=round(wait, 1)))
            return
        try:
            message = await asyncio.to_thread(
                conversation.line, self.widget, self.visitor, say, self.hello.page
            )
        except conversation.Refused as refused:
            self.send(error(refused.error, refused.detail, say.id))
            return
        await self._accept(say.id, message)

    async def _offline(self, offline: Offline) -> None:
        wait = self.chat.allow(self.visitor.id)
        if wait:
            detail = "too many messages: wait a moment"
            self.send(error(Error.RATE_LIMITED, detail, offline.id, retry_after=round(wait, 1)))
            return
        message = await asyncio.to_thread(
            conversation.offline_message, self.widget, self.visitor, offline, self.hello.page
        )
        await self._accept(offline.id, message, offline=True)

    async def _accept(
        self, client_id: str, message: InboundMessage, *, offline: bool = False
    ) -> None:
        try:
            accepted = await self._accept_message(message)
        except Exception:
            log.exception("chat line of visitor %s not stored", self.visitor.id)
            self.send(error(Error.UNAVAILABLE, "not stored: send it again", client_id))
            return
        ack: dict[str, Any] = {"type": "ack", "id": client_id, "duplicate": accepted.duplicate}
        if offline:
            ack["offline"] = True
        self.send(ack)

    def _typing(self, active: bool) -> None:
        now = time.monotonic()
        if active and now - self._typed_at < TYPING_EVERY:
            return
        self._typed_at = now if active else 0.0
        ticket = self.chat.latest_ticket(self.visitor.id)
        if ticket is None:
            return  # no ticket yet: nobody to tell
        self.chat.hub.publish_signal(
            {
                "t": "typing",
                "ticket": ticket,
                "user": VISITOR_USER,
                "name": self.visitor.name or "Visitor",
                "until": time.time() + TYPING_SECONDS if active else 0,
            }
        )

    async def _mark_read(self, seq: int) -> None:
        if seq <= self._read_up_to:
            return
        self._read_up_to = seq
        await asyncio.to_thread(conversation.mark_read, self.visitor, seq)
