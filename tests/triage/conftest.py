from __future__ import annotations

from pathlib import Path

import pytest

from minidesk.triage.data import Example
from triage.triage_toydata import TOY

DATASETS = Path(__file__).parents[2].parent / "shared" / "datasets"


def toy_examples() -> list[Example]:
    return [Example(t, lab) for lab, texts in TOY.items() for t in texts]


@pytest.fixture
def toy() -> list[Example]:
    return toy_examples()


@pytest.fixture(scope="session")
def toy_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from minidesk.triage.train import train

    out = tmp_path_factory.mktemp("toy_model")
    train(toy_examples()).model.save(out)
    return out


@pytest.fixture
def datasets() -> Path:
    if not (DATASETS / "clinc150" / "data_full.json").is_file():
        pytest.skip(f"shared datasets not found at {DATASETS}")
    return DATASETS
