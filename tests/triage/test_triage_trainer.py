from __future__ import annotations

import json
from concurrent.futures import Future
from pathlib import Path

import numpy as np
import pytest

from minidesk.triage import encoder, fitting
from minidesk.triage.data import Example
from minidesk.triage.encoder import TFIDF
from minidesk.triage.model import IntentModel
from minidesk.triage.result import UNKNOWN_INTENT
from minidesk.triage.train import TrainConfig, train


def test_toy_intents_are_learned(toy_model_dir: Path) -> None:
    model = IntentModel.load(toy_model_dir)
    assert model.predict("where is my parcel, it has not arrived").intent == "order_status"
    assert model.predict("please give me my money back").intent == "refund"
    assert model.predict("I forgot my password and cannot log in").intent == "password"


def test_nonsense_is_unknown(toy_model_dir: Path) -> None:
    model = IntentModel.load(toy_model_dir)
    for text in ["qqqq kkkk xxxx", "the capital of mongolia", "", "🙂🙂🙂"]:
        assert model.predict(text).intent == UNKNOWN_INTENT, text


def test_threshold_and_calibration_are_stored_with_the_model(toy_model_dir: Path) -> None:
    doc = json.loads((toy_model_dir / "model.json").read_text())
    assert 0.0 < doc["threshold"] < 1.0
    assert doc["temperature"] > 0
    assert doc["meta"]["calibration"]["rule"]
    assert IntentModel.load(toy_model_dir).threshold == doc["threshold"]


def test_oos_rows_become_negatives(toy: list[Example]) -> None:
    oos = [
        Example(t, "oos")
        for t in [
            "what's the weather tomorrow",
            "tell me a joke",
            "who won the football match",
            "play some music",
            "how tall is mount everest",
            "translate hello into french",
            "what time is it in tokyo",
            "set an alarm for 7am",
        ]
    ]
    report = train(toy + oos)
    assert "oos" in report.model.labels
    assert "oos" in report.calibration.rule
    assert report.calibration.heldout_oos_recall is not None
    assert report.model.predict("tell me a funny joke").intent == UNKNOWN_INTENT
    assert report.model.predict("refund my purchase please").intent == "refund"


def test_left_out_intents_stay_negatives_beside_oos_rows(toy: list[Example]) -> None:
    # build_default's case: its oos rows are generated thanks and greetings, easy to refuse
    # once seen, so the threshold is still held against intents each fold never saw.
    oos = [Example(t, "oos") for t in ["thanks a lot", "ok great", "hello there", "5 stars"] * 2]
    tfidf = TrainConfig(encoder=TFIDF)
    with_oos = train(toy + oos, config=tfidf).calibration
    left_out = train(toy + oos, config=tfidf, leave_classes_out=True).calibration
    assert "oos rows" in with_oos.rule and with_oos.n_negatives == len(oos)
    assert "left-out" in left_out.rule and left_out.n_negatives > len(oos)


def test_two_intents_train_and_save_round_trip(tmp_path: Path) -> None:
    ex = [Example(f"refund please {i}", "refund") for i in range(6)] + [
        Example(f"where is my order {i}", "status") for i in range(6)
    ]
    model = train(ex).model
    model.save(tmp_path)
    again = IntentModel.load(tmp_path)
    assert again.predict("refund please").intent in {"refund", UNKNOWN_INTENT}
    assert again.labels == model.labels


def test_fits_in_worker_processes_give_the_sequential_model(toy: list[Example]) -> None:
    # The encoder model covers every kind of fit job: phrasing folds, the perturbed block
    # each fold scores, the final fit whose weights come back from the worker.
    one, two = train(toy, workers=1).model, train(toy, workers=2).model
    assert one.labels == two.labels and one.version == two.version
    np.testing.assert_array_equal(one.coef, two.coef)
    np.testing.assert_array_equal(one.intercept, two.intercept)
    assert (one.temperature, one.threshold) == (two.temperature, two.threshold)
    for key in ("calibration", "cascade"):  # threshold, held-out accuracy, stage one
        assert one.meta[key] == two.meta[key]


def _record_order(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the trainer did, in order: 'encode', and each fit job submitted by its SVM."""
    events: list[str] = []
    submit, encode = fitting.Fitter.submit, encoder.SentenceEncoder.encode

    def record_submit(self: fitting.Fitter, job: fitting.FitJob) -> Future[fitting.FitResult]:
        events.append("sparse" if job.emb is None else "joint")
        return submit(self, job)

    def record_encode(self: encoder.SentenceEncoder, texts: list[str]) -> np.ndarray:
        events.append("encode")
        return encode(self, texts)

    monkeypatch.setattr(fitting.Fitter, "submit", record_submit)
    monkeypatch.setattr(encoder.SentenceEncoder, "encode", record_encode)
    return events


def test_tfidf_fits_start_before_the_encoder_when_the_folds_need_no_embedding(
    toy: list[Example], monkeypatch: pytest.MonkeyPatch
) -> None:
    # With oos rows the folds are random: every TF-IDF-only fit (the final one and one per
    # fold) is handed to the workers before this process starts encoding, the joint fits
    # after it. Each SVM is its own job, so the two workers share the fits evenly.
    events = _record_order(monkeypatch)
    oos = [Example(t, "oos") for t in ["tell me a joke", "play some music", "set an alarm"] * 3]
    train(toy + oos, workers=1)
    first = events.index("encode")
    assert events[:first] == ["sparse"] * 5  # the final fit and four folds
    assert events[first + 1 :] == ["joint"] * 5


def test_phrasing_folds_wait_for_the_embedding_and_fit_the_joint_svms_first(
    toy: list[Example], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without oos rows the folds are clusters of embeddings: nothing can start before the
    # encoder (the perturbed copies are encoded too), then the larger joint fits go first.
    events = _record_order(monkeypatch)
    train(toy, workers=1)
    assert events[:2] == ["encode", "encode"]
    n = events.count("joint")
    assert n >= 2 and events[2:] == ["joint"] * n + ["sparse"] * n
