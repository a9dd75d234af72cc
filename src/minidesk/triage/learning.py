"""Learning from agents, switched on by ``minidesk.triage.feature``: importing this registers
the correction listener and makes this process follow the database's active model version
(the retrain itself is the feature's long job)."""

from __future__ import annotations

from minidesk.triage import corrections, sync

sync.install()

__all__ = ["corrections"]
