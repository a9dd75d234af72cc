"""``/api/v1/stream``: the agents' WebSocket (protocol in docs/realtime.md)."""

from __future__ import annotations

from fastapi import APIRouter, WebSocket

from minidesk.realtime import connection

router = APIRouter()


@router.websocket("/api/v1/stream")
async def stream(websocket: WebSocket) -> None:
    """Ticket and message changes, presence, viewing and typing, for a signed-in agent; the
    token is checked in ``connection.serve`` before anything is sent."""
    await connection.serve(websocket.app.state.hub, websocket)
