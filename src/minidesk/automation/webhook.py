"""The ``webhook`` outbox kind: a rule's signed POST to an external URL, sent after commit
with the outbox's retries and dead letters, through the same signed POST as API-channel
deliveries (signed with the receiving origin's own secret)."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from minidesk import hints, outbox
from minidesk.channels.base import DeliveryResult, OutboundMessage
from minidesk.channels.kinds import ChannelKind
from minidesk.db import on_commit
from minidesk.desk.models import Ticket
from minidesk.events import Actor, Event
from minidesk.webhooks.signing import post_signed, rule_secret

KIND = "webhook"
# An outbox kind with no instances: a rule's POST goes to the rule's URL, not a channel row.
CHANNEL_KIND = ChannelKind(
    kind=KIND, adapter="minidesk.automation.webhook:WebhookAdapter", instances=False
)


def payload(ticket: Ticket, event: Event | None, actor: Actor) -> dict[str, object]:
    # Ids and triage facts only: the receiver fetches personal data through the API if allowed.
    return {
        "type": "rule.webhook",
        "rule_id": actor.id,
        "rule": actor.name,
        "event": None
        if event is None
        else {
            "id": event.id,
            "kind": event.kind,
            "created_at": event.created_at.isoformat(),
            "data": event.data,
        },
        "ticket": {
            "number": ticket.id,
            "subject": ticket.subject,
            "status": ticket.status,
            "priority": ticket.priority,
            "channel": ticket.channel,
            "intent": ticket.intent,
            "sentiment": ticket.sentiment,
            "tags": ticket.tags,
            "tier": ticket.tier,
            "customer_id": ticket.customer_id,
            "assignee_id": ticket.assignee_id,
            "team_id": ticket.team_id,
        },
    }


def enqueue(
    session: Session, url: str, ticket: Ticket, event: Event | None, actor: Actor
) -> outbox.OutboxItem:
    item = outbox.OutboxItem(
        channel=KIND,
        ticket_id=ticket.id,
        payload={
            "text": json.dumps(payload(ticket, event, actor), separators=(",", ":"), default=str),
            "html": None,
            "subject": "",
            "automated": True,
            "meta": {"rule_id": actor.id},
            "recipient": {"url": url},
        },
    )
    session.add(item)
    session.flush()
    item_id = item.id
    on_commit(session, lambda: hints.outbox_due(item_id))
    return item


class WebhookAdapter:
    kind = KIND

    def send(self, message: OutboundMessage) -> DeliveryResult:
        url = message.recipient["url"]
        return post_signed(url, message.text.encode(), rule_secret(url), message.outbox_id)
