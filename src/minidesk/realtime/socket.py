"""A WebSocket served by two tasks: one reads what the client sends, one writes from a bounded
queue. The agents' stream (``realtime.connection``) and the chat visitors' sockets
(``channels.chat.socket``) are both this shape; each subclass says how it reads.

Publishing never waits on a client: ``offer`` queues the text or, when the queue is full (the
client reads too slowly), ends the socket with ``TOO_SLOW`` so the client reconnects and
resynchronises instead of the process holding ever more for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import anyio
from starlette.websockets import WebSocket, WebSocketDisconnect

log = logging.getLogger(__name__)

# A client that reads nothing may not read the close frame either: do not wait for it.
CLOSE_SECONDS = 1.0
TOO_SLOW = 4429  # the queue filled up unread: reconnect and resynchronise


def dumps(message: dict[str, Any]) -> str:
    """A message as it goes down a socket: compact JSON, encoded once for every recipient."""
    return json.dumps(message, separators=(",", ":"))


class QueuedSocket:
    def __init__(self, websocket: WebSocket, queue_limit: int) -> None:
        self._websocket = websocket
        self._queue: asyncio.Queue[str] = asyncio.Queue(queue_limit)
        self._ended: tuple[int, str] | None = None
        self._scope = anyio.CancelScope()

    def offer(self, text: str) -> None:
        """Queue ``text`` without waiting; a full queue ends the socket."""
        if self._ended is not None:
            return
        try:
            self._queue.put_nowait(text)
        except asyncio.QueueFull:
            log.info("dropping %s: too slow", self)
            self.end(TOO_SLOW, "too slow: messages were not read")

    def end(self, code: int, reason: str) -> None:
        """Stop serving this socket and close it with ``code``."""
        if self._ended is None:
            self._ended = (code, reason)
            self._scope.cancel()

    async def run(self, *beside: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Serve until either side ends: reading in this task, writing (and ``beside``, e.g. a
        periodic token check) next to it; ``end`` or the client leaving cancels them all."""
        async with anyio.create_task_group() as group:
            self._scope = group.cancel_scope
            if self._ended is not None:  # ended before it began
                group.cancel_scope.cancel()
            group.start_soon(self._write)
            for task in beside:
                group.start_soon(task)
            await self._read()
            group.cancel_scope.cancel()
        if self._ended is not None:
            code, reason = self._ended
            with contextlib.suppress(Exception), anyio.move_on_after(CLOSE_SECONDS):
                await self._websocket.close(code, reason)

    async def _write(self) -> None:
        with contextlib.suppress(WebSocketDisconnect):
            while True:
                await self._websocket.send_text(await self._queue.get())
        self._scope.cancel()  # the client has gone: stop reading for it too

    async def _read(self) -> None:
        raise NotImplementedError
