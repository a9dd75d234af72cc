from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from minidesk import settings
from minidesk.triage.data import Example
from minidesk.triage.registry import DEFAULT_MODEL_DIR, registry
from minidesk.triage.sync import watcher
from triage.triage_toydata import TOY

# Beside the repository by default; a git worktree elsewhere names them explicitly.
DATASETS = Path(os.environ.get("MINIDESK_TEST_DATASETS")
                or Path(__file__).parents[2].parent / "shared" / "datasets")


def toy_examples() -> list[Example]:
    return [Example(t, lab) for lab, texts in TOY.items() for t in texts]


@pytest.fixture
def toy() -> list[Example]:
    return toy_examples()


@pytest.fixture(scope="session")
def toy_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from minidesk.triage.encoder import TFIDF
    from minidesk.triage.train import TrainConfig, train

    # TF-IDF only: three intents are too few to calibrate an encoder model's confidence on
    # (its threshold saturates), and the learning tests need a model that is unsure about
    # intents it never saw, as the shipped one is.
    out = tmp_path_factory.mktemp("toy_model")
    train(toy_examples(), config=TrainConfig(encoder=TFIDF)).model.save(out)
    return out


@pytest.fixture
def datasets() -> Path:
    if not (DATASETS / "clinc150" / "data_full.json").is_file():
        pytest.skip(f"shared datasets not found at {DATASETS}")
    return DATASETS


@pytest.fixture
def toy_live(config: settings.Settings, toy_model_dir: Path) -> Iterator[None]:
    """The toy model is the shipped default for this test; afterwards the real one again."""
    registry.reset(default_dir=toy_model_dir)
    watcher.forget()
    yield
    registry.reset(default_dir=DEFAULT_MODEL_DIR)
    watcher.forget()
