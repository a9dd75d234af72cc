"""minidesk: a self-hosted customer-support desk."""

from __future__ import annotations

from minidesk import _without_rich

__version__ = "0.1.0"

# Before anything else imports them: see _without_rich.
_without_rich.load("structlog", "httpx")
