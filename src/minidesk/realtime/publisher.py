"""The publish step after commit: every committed event about a ticket, or of a kind of no
ticket that ``audience`` streams, becomes a notice on this process's broker (Zulip's
``send_event_on_commit``), and so does every change of who may see what
(``access_changes``). Installed by every process that changes state (web processes and
``minidesk worker``), so a message the worker takes in reaches agents' screens like a change
made through the API."""

from __future__ import annotations

from collections.abc import Sequence

from minidesk import events
from minidesk.events import Committed
from minidesk.realtime import access_changes, audience, notices
from minidesk.realtime.brokers import Broker, broker_for
from minidesk.settings import Settings


def install(settings: Settings) -> Broker:
    """Publish this process's committed events to the broker ``settings`` name; returns it."""
    broker = broker_for(settings)

    def publish(committed: Sequence[Committed]) -> None:
        # Access first: what the same transaction changed is then offered as the users
        # concerned stand after it.
        if users := access_changes.users_from_events(committed):
            broker.publish(notices.encode_access(users))
        about_tickets = notices.from_events(committed)
        for payload in notices.encode(about_tickets, audience.from_events(committed)):
            broker.publish(payload)

    events.set_publisher(publish)
    return broker
