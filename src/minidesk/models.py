"""Imports every installed feature's table modules, so ``Base.metadata`` is the whole schema
(what alembic compares migrations with)."""

from __future__ import annotations

from minidesk import features
from minidesk.db import Base

features.load_models()

__all__ = ["Base"]
