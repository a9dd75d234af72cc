"""The intent confidence each flow needs before the model's reading alone may start it.

Calibrated on held-out conversations (``python bench/resolutions.py --calibrate``, see
docs/resolutions.md): for each flow, the lowest floor at which no held-out first message
meant for another flow (or for none) would have started it. Read-only flows (status,
tracking, invoice) answer with facts and change nothing, so a misreading costs one
unhelpful reply: they get a low floor. Flows that move money or change an order get a high
one, and cancelling (no confirmation token, cannot be undone) takes the policy pack's
``min_action_confidence`` if the shop set it higher.

A message that names its action in words ("cancel order 1042", "I want a refund") does not
need the model's confidence at all (``facts.choose_flow``); the floors guard only what the
model read between the lines.
"""

from __future__ import annotations

from minidesk.triage import taxonomy

READ_ONLY = 0.30
FLOORS: dict[str, float] = {
    taxonomy.ORDER_STATUS: READ_ONLY,
    taxonomy.INVOICE: READ_ONLY,
    taxonomy.PASSWORD_RESET: 0.40,  # sends a link only to the email on file
    taxonomy.ADDRESS_CHANGE: 0.50,  # asks for the new address before changing anything
    taxonomy.REFUND: 0.50,  # offers; money moves only on the confirmation token
    taxonomy.RETURN: 0.55,  # issues a return authorisation at once
    taxonomy.CANCEL_ORDER: 0.60,  # cannot be undone
}


def floor_for(flow: str, pack_minimum: float = 0.0) -> float:
    """``flow``'s floor; an irreversible flow never goes below the pack's minimum."""
    floor = FLOORS.get(flow, 1.0)
    if flow == taxonomy.CANCEL_ORDER:
        floor = max(floor, pack_minimum)
    return floor
