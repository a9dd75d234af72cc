"""Delivers replies on chat tickets: the line is already stored (it is the message), so
sending is telling every web process that it is there; the ones holding the visitor's
sockets load it and push it. A visitor who is not connected sees it on their next visit."""

from __future__ import annotations

from minidesk.channels.base import DeliveryError, DeliveryResult, OutboundMessage
from minidesk.realtime import notices
from minidesk.realtime.brokers import broker_for
from minidesk.settings import get_settings

# The signal's type on the broker (the agents' hub leaves ``chat.*`` signals to the chat).
LINE_SIGNAL = "chat.line"


class ChatAdapter:
    kind = "chat"

    def send(self, message: OutboundMessage) -> DeliveryResult:
        if not message.message_id:
            raise DeliveryError("a chat reply needs its message", permanent=True)
        signal = {"t": LINE_SIGNAL, "message": message.message_id, "ticket": message.ticket_id}
        # One broker per process, shared with the hubs: in-process delivery reaches them too.
        try:
            broker_for(get_settings()).publish(notices.encode_signal(signal))
        except Exception as exc:  # the broker is down: retry with back-off like any provider
            raise DeliveryError(f"realtime broker unavailable: {exc!r}"[:500]) from exc
        return DeliveryResult(provider_id=None, status="sent")
