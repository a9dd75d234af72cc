"""Learning from agents, switched on by ``minidesk.features``: importing this registers the
correction listener and the retrain sweeper, and makes this process follow the database's
active model version."""

from __future__ import annotations

from minidesk.triage import corrections, retrain_job, sync

sync.install()

__all__ = ["corrections", "retrain_job"]
