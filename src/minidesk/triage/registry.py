"""Which intent model is live: the shipped default until another directory is activated.

The active model is one reference swapped under a lock, so a request sees either the old or
the new model, never half of each; loading happens before the swap, outside the lock's
critical path for readers.

A *watcher* (installed by processes that share a database, see ``triage.sync``) is asked on
``active()`` whether another process has promoted a different model; it decides itself how
often to really look, so the common call costs one clock read.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Protocol

from minidesk.triage.model import IntentModel

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "default_model"


class Watcher(Protocol):
    def check(self, registry: ModelRegistry) -> None:
        """Activate a newer model in ``registry`` if there is one; must never raise."""


class ModelRegistry:
    def __init__(self, default_dir: Path = DEFAULT_MODEL_DIR) -> None:
        self._default_dir = default_dir
        self._model: IntentModel | None = None
        self._directory: Path | None = None
        self._lock = threading.Lock()
        self._watcher: Watcher | None = None

    def active(self) -> IntentModel:
        """The live model, loading the default on first use (once, whatever the threads)."""
        watcher = self._watcher
        if watcher is not None:
            watcher.check(self)
        model = self._model
        if model is not None:
            return model
        with self._lock:
            if self._model is None:
                self._model = IntentModel.load(self._default_dir)
                self._directory = self._default_dir
            return self._model

    @property
    def directory(self) -> Path | None:
        return self._directory

    @property
    def default_dir(self) -> Path:
        return self._default_dir

    def activate(self, directory: str | Path) -> IntentModel:
        """Load the model in ``directory`` and make it live; raises if it cannot load."""
        model = IntentModel.load(directory)
        with self._lock:
            self._model, self._directory = model, Path(directory)
        return model

    def reset(self, default_dir: Path | None = None) -> None:
        """Back to the shipped default (or ``default_dir``), loaded lazily on next use."""
        with self._lock:
            self._model, self._directory = None, None
            if default_dir is not None:
                self._default_dir = default_dir

    def watch(self, watcher: Watcher | None) -> None:
        """Consult ``watcher`` on every ``active()`` (None stops watching)."""
        self._watcher = watcher


registry = ModelRegistry()


def active_model() -> IntentModel:
    return registry.active()


def activate_model(directory: str | Path) -> IntentModel:
    return registry.activate(directory)
