"""Triage: intent (with out-of-scope), sentiment, language, entities and priority.

``analyse()`` is the one call the pipeline makes; ``train``/``evaluate``/``retrain`` build
and judge intent models, and ``activate_model`` makes one live.
"""

from __future__ import annotations

from minidesk.triage.analyse import analyse, analyse_many, warm_up
from minidesk.triage.data import Example, load_examples
from minidesk.triage.model import IntentModel, ModelError, Prediction
from minidesk.triage.registry import ModelRegistry, activate_model, active_model, registry
from minidesk.triage.result import UNKNOWN_INTENT, TriageResult

__all__ = [
    "UNKNOWN_INTENT",
    "Example",
    "IntentModel",
    "ModelError",
    "ModelRegistry",
    "Prediction",
    "TriageResult",
    "activate_model",
    "active_model",
    "analyse",
    "analyse_many",
    "load_examples",
    "registry",
    "warm_up",
]
