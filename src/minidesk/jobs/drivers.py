"""Huey without the Redis and PostgreSQL drivers until a queue needs one.

``huey.storage`` imports ``redis`` and ``psycopg`` whenever they are installed (16 MB of a
web process's memory with what they import), though the embedded desk queues in SQLite. So
huey is imported with the drivers it would not use hidden, and a Redis or PostgreSQL queue
hands its driver to ``huey.storage`` when it is built (``attach``).
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

DRIVERS = ("redis", "psycopg")


def import_huey() -> None:
    """Import ``huey.storage`` with the drivers not already loaded hidden from it."""
    if "huey.storage" in sys.modules:
        return
    hidden = [name for name in DRIVERS if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # an import of it raises ImportError
    try:
        importlib.import_module("huey.storage")
    finally:
        for name in hidden:
            if sys.modules.get(name) is None:
                del sys.modules[name]


def attach(driver: str) -> None:
    """Give ``huey.storage`` the driver (``redis`` or ``psycopg``) hidden at its import."""
    # Typed loosely: these names are the ones huey.storage binds at import, None when hidden.
    storage: Any = importlib.import_module("huey.storage")
    if driver == "redis" and storage.Redis is None:
        redis = importlib.import_module("redis")
        storage.ConnectionPool, storage.Redis = redis.ConnectionPool, redis.Redis
        storage.ConnectionError = redis.exceptions.ConnectionError
        storage.TimeoutError = redis.exceptions.TimeoutError
        storage.RedisStorage.redis_client = redis.Redis
    elif driver == "psycopg" and storage.psycopg is None:
        storage.psycopg = importlib.import_module("psycopg")
