"""Imports every module that defines tables, so ``Base.metadata`` is the whole schema."""

from __future__ import annotations

from minidesk import events, inbox, outbox
from minidesk.db import Base
from minidesk.desk import models, workspace
from minidesk.replies import models as replies_models

__all__ = ["Base", "events", "inbox", "models", "outbox", "replies_models", "workspace"]
