"""The /api/v1 routers, one module per resource.

Each router carries the full ``/api/v1/...`` prefix itself, so every route's path is the
template clients see (metrics label requests by it).
"""

from __future__ import annotations

PREFIX = "/api/v1"
