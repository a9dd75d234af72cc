"""The web chat's two routes: the widget script a shop embeds, and the visitors' socket."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fastapi import APIRouter, FastAPI, Response, WebSocket

from minidesk.channels.chat import socket
from minidesk.channels.chat.hub import ChatHub
from minidesk.channels.chat.protocol import CloseCode
from minidesk.web.intake import Intake

WIDGET = Path(__file__).with_name("static") / "widget.js"
# Shops embed the script on every page: let browsers keep it a while, and revalidate.
WIDGET_CACHE = "public, max-age=300"
CHANNEL_MAX = 2_147_483_647

router = APIRouter(tags=["channels"])


@cache
def _widget() -> bytes:
    return WIDGET.read_bytes()


@router.get("/widget.js", response_class=Response)
def widget_js() -> Response:
    """The embeddable chat widget: `<script src="https://desk.example/widget.js"
    data-channel="ID" async></script>` on a page of one of the channel's allowed origins."""
    return Response(
        _widget(),
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": WIDGET_CACHE, "X-Content-Type-Options": "nosniff"},
    )


def chat_hub(app: FastAPI) -> ChatHub:
    """This app's visitor sockets, made on the first one (the hub's loop is the only writer)."""
    found: ChatHub | None = getattr(app.state, "chat", None)
    if found is None:
        found = app.state.chat = ChatHub(app.state.hub)
        app.state.hub.extensions.append(found)
    return found


@router.websocket("/chat/ws")
async def chat_socket(websocket: WebSocket, channel: int = 0) -> None:
    """A visitor's chat: refused unless ``channel`` is an enabled chat channel and the page's
    Origin is one it allows; then a hello, and lines both ways."""
    if not 1 <= channel <= CHANNEL_MAX:
        await websocket.close(CloseCode.NO_CHANNEL, "no such chat")
        return
    intake: Intake = websocket.app.state.intake
    await socket.serve(chat_hub(websocket.app), websocket, channel, intake.accept)
