"""Why the desk did what it did, as the ticket page shows it beside each automatic action and
each agent action: the rule, the policy clause behind it, the confidence, the facts.

Everything here reads an event's payload (the audit trail): nothing is recomputed, so the page
explains the decision as it was taken, not as today's settings would take it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from minidesk.event_kinds import EventKind
from minidesk.events import Event

# The policy pack's setting (or the standing rule) each decision rule applies, in words an
# agent can check against the policies page.
CLAUSES = {
    "refund.auto_max": "auto_refund_max_minor: what the bot may refund on its own",
    "refund.order_cap": "auto_refund_order_total_max_minor: the bot's total per order",
    "refund.customer_cap": "auto_refund_customer_total_max_minor over "
    "auto_refund_customer_window_days: the bot's total per customer",
    "refund.agent_range": "agent_refund_max_minor: above the bot, up to this an agent decides",
    "refund.senior_approval": "agent_refund_max_minor: above it a senior manager approves",
    "refund.over_balance": "never more than was captured and not yet refunded",
    "refund.original_method_only": "refunds go to the original payment method only",
    "refund.no_token": "money moves only on the confirmation token in the next message",
    "refund.other_order": "the confirmation is for the order the offer named",
    "refund.shipping_costs": "the bot refunds a sum it can name: an item, an order, an amount",
    "agent.cap": "roles.<role>.cap_minor (or the agent's own limits): per refund",
    "agent.daily_budget": "roles.<role>.daily_budget_minor (or the agent's own): per local day",
    "agent.within_limits": "within the agent's per-refund cap and daily budget",
    "permission.refund": "roles.<role>.may_refund",
    "reship.late": "reship_after_business_days: late enough to send another",
    "reship.not_late_enough": "reship_after_business_days: not late enough yet",
    "return.window": "return_window_days after delivery",
    "return.outside_window": "return_window_days after delivery",
    "cancel.not_shipped": "an order is cancelled only before it ships",
    "cancel.shipped": "an order is cancelled only before it ships",
    "address.not_shipped": "an address changes only before the order ships",
    "address.shipped": "an address changes only before the order ships",
    "password.email_on_file": "a reset link goes only to the email on file",
    "password.identity_checked": "an agent confirmed who is asking (identity checklist)",
    "identity.unverified": "money and account data only for verified senders",
    "words.legal": "legal words: a senior manager looks first",
    "words.health_safety": "health and safety words: a person looks first",
    "words.human_please": "the customer asked for a person",
    "approval.approved": "approver_role: a manager approved it",
    "min_action_confidence": "min_action_confidence: how sure triage must be",
}
EXPLAINED = frozenset(
    {
        EventKind.POLICY_DECIDED,
        EventKind.MESSAGE_TRIAGED,
        EventKind.RULE_FIRED,
        EventKind.RESOLUTION_CLOSED,
        EventKind.RESOLUTION_HANDED_OFF,
        EventKind.APPROVAL_REQUESTED,
        EventKind.APPROVAL_DECIDED,
    }
)


@dataclass(frozen=True)
class Reasoning:
    title: str
    rule: str | None = None
    clause: str | None = None
    reason: str | None = None
    confidence: float | None = None
    facts: Mapping[str, Any] = field(default_factory=dict)


def explain(event: Event) -> Reasoning | None:
    """The reasoning an event carries, or None for events that decide nothing."""
    data = event.data or {}
    kind = event.kind
    if kind == EventKind.MESSAGE_TRIAGED:
        return Reasoning(
            f"Triage read it as {data.get('intent')}",
            confidence=_number(data.get("confidence")),
            reason="; ".join(str(r) for r in data.get("reasons") or []) or None,
            facts=_present(data, "language", "sentiment", "priority", "entities", "flags", "model"),
        )
    if kind == EventKind.RULE_FIRED:
        return Reasoning(
            f"Rule “{data.get('rule')}” matched",
            rule=f"rule {data.get('rule_id')}",
            facts={"conditions": data.get("conditions"), "actions": data.get("actions")},
        )
    if kind not in EXPLAINED:
        return None
    rule = data.get("rule")
    facts = dict(data.get("facts") or {})
    for name in ("amount", "limit", "order_number", "approval_id", "status", "refund", "tier"):
        if data.get(name) not in (None, {}, ""):
            facts[name] = data[name]
    return Reasoning(
        _title(kind, data),
        rule=str(rule) if rule else None,
        clause=CLAUSES.get(str(rule)) if rule else None,
        reason=str(data.get("reason") or "") or None,
        facts=facts,
    )


def _title(kind: str, data: Mapping[str, Any]) -> str:
    if kind == EventKind.POLICY_DECIDED:
        return f"Policy: {data.get('action')} → {data.get('outcome')}"
    if kind == EventKind.APPROVAL_REQUESTED:
        return f"Approval requested for {data.get('approval_kind')}"
    if kind == EventKind.APPROVAL_DECIDED:
        return f"Approval {data.get('status')}"
    if kind == EventKind.RESOLUTION_CLOSED:
        # One event for a reply that answered several requests: name them all.
        flows = data.get("flows") or [data.get("flow") or data.get("rule")]
        return f"Bot resolved it ({', '.join(str(flow) for flow in flows)})"
    return f"Bot handed off ({data.get('flow')})"


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _present(data: Mapping[str, Any], *names: str) -> dict[str, Any]:
    return {name: data[name] for name in names if data.get(name) not in (None, "", [], {})}
