"""The background retrain: claimed by exactly one worker, judged on held-out data, stored as
a new version and made live only if it scores at least as well as the current model.

Training runs outside any transaction (it takes seconds to a minute), as a job of its own
that the minute sweep queues when a retrain is due, so it never delays the sweep's timers;
the claim and the result are two short transactions around it. A worker that dies mid-run
leaves ``running_since`` behind, which ``STALE_RUN`` later lets another worker take over.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, update

from minidesk import periodic
from minidesk.db import Database, get_db, utcnow
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, ActorType, emit
from minidesk.settings import get_settings
from minidesk.triage.corrections import schedule_if_due
from minidesk.triage.learning_data import LearningData, gather
from minidesk.triage.registry import ModelRegistry
from minidesk.triage.retrain import RetrainOutcome, retrain
from minidesk.triage.sync import watcher
from minidesk.triage.tables import RETRAIN_ROW, IntentRetrain
from minidesk.triage.versions import (
    active_version,
    do_activate_version,
    do_store_version,
    version_dir,
)

log = logging.getLogger(__name__)

STALE_RUN = dt.timedelta(minutes=30)
RETRAINER = Actor(ActorType.AUTOMATION, name="intent retrain")


def _due(now: dt.datetime) -> ColumnElement[bool]:
    return and_(
        IntentRetrain.id == RETRAIN_ROW,
        IntentRetrain.due_at <= now,
        or_(IntentRetrain.running_since.is_(None), IntentRetrain.running_since < now - STALE_RUN),
    )


def is_due(now: dt.datetime) -> bool:
    """Whether a retrain is waiting to be claimed (the sweep's cheap question before it
    queues the retrain as a job of its own)."""
    with get_db().sessions() as session:
        return session.scalar(select(IntentRetrain.id).where(_due(now))) is not None


def claim(database: Database, now: dt.datetime) -> bool:
    """Take the due retrain; True for exactly one caller however many sweep at once."""
    with database.transaction() as session:
        won = session.execute(
            update(IntentRetrain)
            .where(_due(now))
            .values(running_since=now, last_started_at=now)
        )
        return won.rowcount == 1  # type: ignore[attr-defined]


@periodic.long_job("intent_retrain", is_due=is_due)
def run_due_retrain(now: dt.datetime) -> int:
    """Retrain if due and claimed; 1 if this call trained, else 0."""
    database = get_db()
    if not claim(database, now):
        return 0
    try:
        outcome: dict[str, Any] = run_retrain(database)
    except Exception as exc:
        log.exception("intent retrain failed")
        outcome = {"status": "failed", "error": repr(exc)[:500]}
        with database.transaction() as session:
            emit(session, EventKind.TRIAGE_RETRAIN_FAILED, RETRAINER, error=outcome["error"])
    with database.transaction() as session:
        session.execute(
            update(IntentRetrain)
            .where(IntentRetrain.id == RETRAIN_ROW)
            .values(running_since=None, due_at=None, last_outcome=outcome)
        )
        # Corrections that arrived while training count towards the next run.
        schedule_if_due(session, utcnow())
    return 1


def run_retrain(database: Database) -> dict[str, Any]:
    """Train, judge and store a candidate; returns the outcome recorded on the timer row."""
    settings = get_settings()
    with database.sessions() as session:
        data = gather(session, settings)
        current = active_version(session)
        current_dir = version_dir(session, current)
    with tempfile.TemporaryDirectory(prefix="minidesk-retrain-") as scratch:
        # A private registry: the process-wide one switches only once the database says so.
        result = retrain(data.learned, current_dir, data.holdout, base_examples=data.base,
                         out_root=scratch, into=ModelRegistry(default_dir=current_dir))
        metrics = _metrics(result, data, current)
        with database.transaction() as session:
            if result.promoted:
                row = do_store_version(session, Path(result.model_dir), metrics)
                do_activate_version(session, row.version, RETRAINER, reason=result.reason)
                metrics["version"] = row.version
                emit(session, EventKind.TRIAGE_MODEL_PROMOTED, RETRAINER, **metrics)
            else:
                emit(session, EventKind.TRIAGE_MODEL_REJECTED, RETRAINER, **metrics)
    if result.promoted:
        watcher.refresh()
    return {"status": "promoted" if result.promoted else "rejected", **metrics}


def _metrics(result: RetrainOutcome, data: LearningData, current: int) -> dict[str, Any]:
    return {
        "reason": result.reason,
        "previous_version": current,
        "current_score": round(result.current_score, 4),
        "candidate_score": round(result.candidate_score, 4),
        "candidate_name": result.candidate_version,
        "n_gold": data.n_gold,
        "n_silver": data.n_silver,
        "n_base": len(data.base),
        "n_holdout": {name: len(rows) for name, rows in data.holdout.items()},
        "heldout": result.details,
    }
