"""The resolution flows and the store's lifetime value as automation extension points
(``minidesk.resolutions.feature``): a rule's ``run_resolution`` action starts a flow by name,
and the ``lifetime_value`` condition reads what the customer spent in the built-in store.

Built-ins use the extension points: nothing here is special to the flows, a connector for
another shop registers its own the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.automation.actions import ResolutionRunner, resolution_runners
from minidesk.automation.conditions import lifetime_value_sources
from minidesk.commerce.lifetime import builtin_lifetime_value
from minidesk.desk.models import Direction, Message, Ticket
from minidesk.events import Actor
from minidesk.resolutions.engine import FLOWS, run_flow
from minidesk.resolutions.models import ResolutionState

# Flow names as rules use them (each flow once: "order_status" also answers delivery times
# and late parcels).
RUNNABLE = sorted(FLOWS)


def runner_for(flow: str) -> ResolutionRunner:
    def run(
        session: Session, ticket: Ticket, actor: Actor, params: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Run the flow on the ticket's latest customer message (the one a rule looked at)."""
        message = session.scalars(
            select(Message)
            .where(Message.ticket_id == ticket.id, Message.direction == Direction.INBOUND)
            .order_by(Message.id.desc())
            .limit(1)
        ).first()
        if message is None:
            return {"ran": False, "why": "the ticket has no customer message"}
        why_not = run_flow(session, ticket, message, flow)
        if why_not is not None:
            return {"ran": False, "why": why_not}
        state = session.get_one(ResolutionState, ticket.id)
        return {"ran": True, "message_id": message.id, "step": state.step}

    run.__name__ = f"run_{flow}"
    return run


for _flow in RUNNABLE:
    resolution_runners.setdefault(_flow, runner_for(_flow))
if builtin_lifetime_value not in lifetime_value_sources:
    lifetime_value_sources.append(builtin_lifetime_value)
