"""Loads the modules whose import registers listeners, sweepers and channel kinds.

Every process that runs jobs calls ``load()`` so that an event is handled the same whichever
worker picks it up.
"""

from __future__ import annotations

import importlib

FEATURE_MODULES: tuple[str, ...] = (
    "minidesk.resolutions.listeners",
    "minidesk.resolutions.runners",
    "minidesk.automation.engine",
    "minidesk.automation.timers",
    "minidesk.triage.learning",
    "minidesk.webhooks.delivery",
)


def load() -> None:
    for module in FEATURE_MODULES:
        importlib.import_module(module)
