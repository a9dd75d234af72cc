from __future__ import annotations

from pathlib import Path

from minidesk.triage.data import Example
from minidesk.triage.registry import ModelRegistry
from minidesk.triage.retrain import retrain
from minidesk.triage.train import train
from triage.conftest import toy_examples


def _holdout() -> list[Example]:
    return [
        Example("where has my parcel got to", "order_status"),
        Example("i would like my money returned", "refund"),
        Example("can't remember my password", "password"),
        Example("track the package for me", "order_status"),
        Example("refund it please", "refund"),
        Example("password reset needed", "password"),
    ]


def test_worse_candidate_keeps_the_current_model(tmp_path: Path) -> None:
    base = train(toy_examples()).model.save(tmp_path / "base")
    reg = ModelRegistry(default_dir=base)
    # Corrections that contradict everything: the candidate must score worse.
    bad = [Example(e.text, "refund") for e in toy_examples() if e.label != "refund"]
    bad += [Example(e.text, "password") for e in toy_examples() if e.label == "refund"]
    outcome = retrain(bad, base, _holdout(), into=reg)
    assert not outcome.promoted
    assert outcome.model_dir == base
    assert outcome.candidate_score < outcome.current_score
    assert reg.active().version == train(toy_examples()).model.version


def test_good_candidate_is_promoted_and_activated(tmp_path: Path) -> None:
    base = train(toy_examples()[::2]).model.save(tmp_path / "base")
    reg = ModelRegistry(default_dir=base)
    outcome = retrain(
        toy_examples()[1::2], base, _holdout(), base_examples=toy_examples()[::2], into=reg
    )
    assert outcome.promoted, outcome.reason
    assert outcome.candidate_score >= outcome.current_score
    assert reg.directory == outcome.model_dir and outcome.model_dir != base
    assert reg.active().version == outcome.candidate_version
