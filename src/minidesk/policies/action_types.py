"""What an agent asks of the store from a ticket, and what came of it: the request (with the
identity checks ticked), the outcome, the refusal. Shared by the service
(``agent_actions``), the store calls (``store_actions``), the API and the ticket page."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from minidesk.commerce.connector import ActionKind
from minidesk.commerce.money import Money
from minidesk.policies.decisions import Decision, Outcome
from minidesk.policies.models import AgentActionStatus


class IdentityCheck(StrEnum):
    EMAIL_MATCHES_ORDER = "email_matches_order"
    VERIFIED_SENDER = "verified_sender"
    LAST4_CONFIRMED = "last4_confirmed"


IDENTITY_CHECKS = {
    IdentityCheck.EMAIL_MATCHES_ORDER: "The sender's email matches the order's",
    IdentityCheck.VERIFIED_SENDER: "The sender is verified (signed-in chat, DKIM mail, phone)",
    IdentityCheck.LAST4_CONFIRMED: "The customer told me the card's last 4 digits",
}
# Money back, a parcel to another door, a way into the account: asked for by an impostor,
# each does harm that cannot be undone, so the agent confirms who is asking first.
SENSITIVE = frozenset({ActionKind.REFUND, ActionKind.CHANGE_ADDRESS, ActionKind.PASSWORD_RESET})
ADDRESS_FIELDS = ("name", "line1", "line2", "city", "postcode", "country")
# Outcomes an agent may act on: AUTO is pre-authorised, AGENT and HAND_OFF ask for a person,
# who is the agent here. DENY is the store's policy whoever asks.
AGENT_MAY = frozenset({Outcome.AUTO, Outcome.AGENT, Outcome.HAND_OFF})


class ActionRefused(ValueError):
    """The policy pack or the store refuses; ``decision.rule`` says which rule."""

    def __init__(self, decision: Decision) -> None:
        super().__init__(decision.reason)
        self.decision = decision


@dataclass(frozen=True)
class ActionRequest:
    action: ActionKind
    idempotency_key: str
    order_number: str | None = None
    amount: Money | None = None
    reason: str = ""
    address: Mapping[str, str] | None = None
    identity_checks: Collection[IdentityCheck] = field(default_factory=frozenset)


@dataclass(frozen=True)
class ActionOutcome:
    action: str
    status: AgentActionStatus
    rule: str
    ref: str | None = None
    approval_id: int | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)
    replayed: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "status": str(self.status),
            "rule": self.rule,
            "ref": self.ref,
            "approval_id": self.approval_id,
            "detail": dict(self.detail),
            "replayed": self.replayed,
        }
