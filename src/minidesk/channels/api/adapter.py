"""Delivers API-channel replies to the customer's webhook, signed with that customer's own
secret, or stores them for polling."""

from __future__ import annotations

import json

from minidesk.channels.base import DeliveryError, DeliveryResult, OutboundMessage
from minidesk.db import get_db
from minidesk.keys import CredentialError
from minidesk.webhooks.customers import customer_endpoint
from minidesk.webhooks.signing import post_signed


class ApiAdapter:
    kind = "api"

    def send(self, message: OutboundMessage) -> DeliveryResult:
        customer_id = message.recipient.get("customer_id")
        # Read at send time: a URL removed or a secret rotated since the reply was queued
        # applies to it.
        try:
            with get_db().sessions() as session:
                endpoint = customer_endpoint(session, customer_id) if customer_id else None
        except CredentialError:
            raise DeliveryError(
                f"customer {customer_id}'s webhook secret cannot be decrypted "
                "(MINIDESK_SECRET_KEY changed since it was stored): an admin rotates it",
                permanent=True,
            ) from None
        if endpoint is None:
            return DeliveryResult(provider_id=None, status="stored")
        if endpoint.secret is None:
            raise DeliveryError(
                f"customer {customer_id}'s webhook has no signing secret (set before secrets "
                f"were per customer): an admin rotates it with POST /api/v1/customers/"
                f"{customer_id}/webhook-secret, gives it to the receiver, then replays this",
                permanent=True,
            )
        body = json.dumps(
            {
                "type": "message.created",
                "ticket_number": message.ticket_id,
                "message_id": message.message_id,
                "customer_id": customer_id,
                "text": message.text,
                "html": message.html,
                "automated": message.automated,
            },
            separators=(",", ":"),
        ).encode()
        result = post_signed(endpoint.url, body, endpoint.secret, message.outbox_id).result()
        return DeliveryResult(provider_id=result.provider_id, status="sent")
