"""Ticket tokens we put in outgoing mail, and how we read them back.

- Subject: ``[#1234]`` — readable, survives every client; not secret, so the pipeline only
  honours it for the ticket's own customer.
- Reply-To plus-address: ``support+t1234-<sig>@shop.example``; the signature is an HMAC of the
  ticket number under the desk's secret, so nobody can mint one for another customer's ticket.
- Message-ID: ``<md.<outbox id>.t<ticket>.<sig>@domain>`` — deterministic per outbox row (a
  retried send repeats it exactly) and signed like the plus-address.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from minidesk import keys
from minidesk.keys import Purpose, derive_key

# The channel's modules store mailbox secrets under the desk's stored-credentials key.
encrypt = keys.encrypt
decrypt = keys.decrypt
CredentialError = keys.CredentialError

SIGNATURE_CHARS = 10
SUBJECT_TOKEN = re.compile(r"\[#(\d{1,12})\]")
PLUS_TOKEN = re.compile(rf"\+t(\d{{1,12}})-([a-z2-7]{{{SIGNATURE_CHARS}}})@")
MESSAGE_ID_TOKEN = re.compile(rf"^md\.(\d+)\.t(\d+)\.([a-z2-7]{{{SIGNATURE_CHARS}}})@")


def ticket_signature(ticket_id: int) -> str:
    key = derive_key(Purpose.TICKET_TOKEN)
    mac = hmac.new(key, f"t{ticket_id}".encode(), hashlib.sha256).digest()
    return base64.b32encode(mac).decode().lower()[:SIGNATURE_CHARS]


def subject_with_token(subject: str, ticket_id: int) -> str:
    token = f"[#{ticket_id}]"
    base = subject.strip() or "Your request"
    return base if token in base else f"{base} {token}"


def subject_ticket(subject: str) -> int | None:
    found = SUBJECT_TOKEN.findall(subject)
    return int(found[-1]) if found else None


def plus_address(address: str, ticket_id: int) -> str:
    local, _, domain = address.partition("@")
    return f"{local}+t{ticket_id}-{ticket_signature(ticket_id)}@{domain}"


def verified_plus_ticket(addresses: list[str]) -> int | None:
    """The ticket named by a correctly signed plus-address among ``addresses``."""
    for address in addresses:
        match = PLUS_TOKEN.search(address.lower())
        if match and hmac.compare_digest(match[2], ticket_signature(int(match[1]))):
            return int(match[1])
    return None


def message_id(outbox_id: int, ticket_id: int, domain: str) -> str:
    """Without angle brackets, as stored in ``Message.external_id``."""
    return f"md.{outbox_id}.t{ticket_id}.{ticket_signature(ticket_id)}@{domain}"


def verified_message_id_ticket(ids: list[str]) -> int | None:
    """The ticket named by one of our own signed Message-IDs among ``ids``."""
    for value in reversed(ids):  # the nearest ancestor is the last reference
        match = MESSAGE_ID_TOKEN.match(value.lower())
        if match and hmac.compare_digest(match[3], ticket_signature(int(match[2]))):
            return int(match[2])
    return None


def is_our_message_id(value: str) -> bool:
    return MESSAGE_ID_TOKEN.match(value.lower()) is not None
