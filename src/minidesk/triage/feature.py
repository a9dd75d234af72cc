"""Triage's manifest: learning from agents' corrections, the retrain job, the model CLI."""

from __future__ import annotations

from minidesk.features import Feature

FEATURE = Feature(
    name="triage",
    models=("minidesk.triage.tables",),
    listeners=("minidesk.triage.learning",),
    long_jobs=("minidesk.triage.retrain_job:RETRAIN",),
    routers=("minidesk.web.api.triage:router", "minidesk.web.ui.admin.intent_pages:router"),
    commands={"intents": "minidesk.triage.cli:app"},
)
