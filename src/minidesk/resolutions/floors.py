"""The intent confidence each flow needs before the model's reading alone may start it.

Calibrated on held-out data (``python bench/floors.py``; CLINC150's 5,500 test and
out-of-scope messages, which the default model never saw): each floor is the lowest (on a
0.05 grid) at which at most 1% of the held-out messages meant for no flow would start a
read-only flow, and none would start a flow that acts. Read-only flows answer with facts
and change nothing, so a misreading costs one unhelpful reply; they get the low floor.

Measured with the default model (December 2026): status 0.35 (48 of 5,470 others start it;
12 of the 30 held-out order-status questions are answered by the model alone, most of the
rest by their words); password reset 0.75 (none). For return, address change and cancel
even 0.95 lets one or two confident misreadings through ("cancel that" → cancel an order),
so those flows never start on the model alone without also naming one of the customer's
own orders (``facts.choose_flow``); a message that names its action in words ("cancel
order 1042") needs no confidence at all, its order and the policy are checked by the flow.
Invoices go out, and refunds are offered, only when asked for in words: the model read
questions about a refund ("where is my refund?", "what is your refund policy?") as refund
requests at 0.96-1.0 (``questions``).

Re-run the calibration after changing the intent model and update these values.
"""

from __future__ import annotations

from minidesk.triage import taxonomy

READ_ONLY_FLOWS = frozenset({taxonomy.ORDER_STATUS, taxonomy.INVOICE})
ACTING = 0.95
FLOORS: dict[str, float] = {
    taxonomy.ORDER_STATUS: 0.35,
    taxonomy.PASSWORD_RESET: 0.75,  # sends a link only to the email on file, asked by email
    taxonomy.ADDRESS_CHANGE: ACTING,
    taxonomy.RETURN: ACTING,  # issues a return authorisation at once
    taxonomy.CANCEL_ORDER: ACTING,  # cannot be undone
}


def floor_for(flow: str, pack_minimum: float = 0.0) -> float:
    """``flow``'s floor (1.0, never, for a flow without one); an irreversible flow never
    goes below the policy pack's ``min_action_confidence``."""
    floor = FLOORS.get(flow, 1.0)
    if flow == taxonomy.CANCEL_ORDER:
        floor = max(floor, pack_minimum)
    return floor
