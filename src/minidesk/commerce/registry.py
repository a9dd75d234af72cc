"""Connector kinds by name, imported lazily: a shop on another platform registers its own."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from sqlalchemy.orm import Session

from minidesk.commerce.connector import CommerceConnector

Factory = Callable[[Session], CommerceConnector]
_KINDS: dict[str, str] = {"builtin": "minidesk.commerce.store:BuiltinStore"}
_active = "builtin"


def register_connector(kind: str, dotted_path: str, *, activate: bool = False) -> None:
    """Make ``kind`` available (``"package.module:factory"``, called with a session)."""
    global _active
    _KINDS[kind] = dotted_path
    if activate:
        _active = kind


def connector_for(session: Session, kind: str | None = None) -> CommerceConnector:
    """The active connector, bound to ``session`` so the built-in store's changes commit with
    the decision that made them."""
    module_name, _, attribute = _KINDS[kind or _active].partition(":")
    factory: Factory = getattr(importlib.import_module(module_name), attribute)
    return factory(session)
