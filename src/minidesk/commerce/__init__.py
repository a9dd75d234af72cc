"""Commerce: the connector protocol a shop plugs in, and the built-in store implementing it.

Flows and policies only ever talk to a ``CommerceConnector``; ``connector_for(session)`` picks
the workspace's connector (the built-in store unless another is registered).
"""

from __future__ import annotations

from minidesk.commerce.connector import (
    ActionResult,
    CommerceConnector,
    CommerceError,
    CustomerRecord,
    OrderRecord,
    PaymentRecord,
    ShipmentRecord,
    TrackingEventRecord,
)
from minidesk.commerce.money import Money, format_money
from minidesk.commerce.registry import connector_for, register_connector

__all__ = [
    "ActionResult",
    "CommerceConnector",
    "CommerceError",
    "CustomerRecord",
    "Money",
    "OrderRecord",
    "PaymentRecord",
    "ShipmentRecord",
    "TrackingEventRecord",
    "connector_for",
    "format_money",
    "register_connector",
]
