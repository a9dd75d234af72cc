"""Orders as the item matchers see them (a number and its items' names), for tests that ask
which order or item a message names without a database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Order:
    number: str
    items: tuple[dict[str, Any], ...]


def catalogue(*names: str) -> list[Order]:
    """One order per argument, numbered from 1; ";" separates an order's items."""
    return [
        Order(str(n), tuple({"name": part} for part in name.split(";")))
        for n, name in enumerate(names, 1)
    ]
