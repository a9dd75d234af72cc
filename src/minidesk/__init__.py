"""minidesk: a self-hosted customer-support desk."""

from __future__ import annotations

__version__ = "0.1.0"
