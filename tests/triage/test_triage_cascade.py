"""The intent cascade: TF-IDF decides the messages it is sure of, the encoder the rest."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from minidesk.triage import cascade
from minidesk.triage import encoder as enc
from minidesk.triage.build_default import bitext_examples
from minidesk.triage.data import Example, load_examples
from minidesk.triage.model import IntentModel, ModelError
from minidesk.triage.registry import DEFAULT_MODEL_DIR
from minidesk.triage.train import TrainConfig, train

HELDOUT = Path(__file__).parent / "multilingual_heldout.jsonl"
CLEAR = "I want to cancel order 1234, please."
# Words the TF-IDF part has never seen in training; only the encoder knows what they mean.
UNSURE = "¿Me podrían mandar la factura de mi compra, por favor?"


class EncoderCalls:
    def __init__(self) -> None:
        self.texts: list[list[str]] = []


@pytest.fixture
def encoder_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[EncoderCalls]:
    """Every text the shared multilingual encoder is asked to embed."""
    calls = EncoderCalls()
    shared = enc.get_encoder(enc.MUSE)
    real = shared.encode

    def counting(texts: list[str]) -> np.ndarray:
        calls.texts.append(list(texts))
        return real(texts)

    monkeypatch.setattr(shared, "encode", counting)
    yield calls


@pytest.fixture(scope="module")
def default_model() -> IntentModel:
    return IntentModel.load(DEFAULT_MODEL_DIR)


def test_the_shipped_model_carries_a_calibrated_cascade(default_model: IntentModel) -> None:
    stage = default_model.cascade
    assert default_model.encoder == enc.MUSE and stage is not None
    # Stage one only answers above the model's own out-of-scope threshold.
    assert default_model.threshold <= stage.threshold < 1.0
    assert stage.intercept.shape == (len(default_model.labels),)


def test_a_clear_message_is_decided_without_the_encoder(
    default_model: IntentModel, encoder_calls: EncoderCalls
) -> None:
    prediction = default_model.predict(CLEAR)
    assert (prediction.intent, prediction.stage) == ("cancel_order", "tfidf")
    assert prediction.confidence >= default_model.threshold
    assert encoder_calls.texts == []


def test_an_unsure_message_goes_to_the_encoder_alone(
    default_model: IntentModel, encoder_calls: EncoderCalls
) -> None:
    predictions = default_model.predict_many([CLEAR, UNSURE, CLEAR])
    assert [p.stage for p in predictions] == ["tfidf", "full", "tfidf"]
    assert predictions[1].intent == "invoice"
    assert encoder_calls.texts == [[UNSURE]]  # one forward pass, only for the unsure one


def test_the_cascade_answers_like_the_full_model(
    default_model: IntentModel, datasets: Path
) -> None:
    cases = [json.loads(line) for line in HELDOUT.read_text("utf-8").splitlines() if line]
    texts = [c["text"] for c in cases]
    # A sample of both Bitext releases and of CLINC150 (other domains: mostly unknown here).
    texts += [e.text for e in bitext_examples(datasets, "8k")[::40]]
    texts += [e.text for e in bitext_examples(datasets, "llm")[::40]]
    clinc = load_examples(f"{datasets}/clinc150/data_full.json#test+oos_test")
    texts += [e.text for e in clinc[::40]]
    cascade = default_model.predict_many(texts)
    full = default_model.predict_many(texts, cascade=False)
    assert {p.stage for p in cascade} == {"tfidf", "full"}
    assert [p.intent for p in cascade] == [p.intent for p in full]
    assert all(p.stage == "full" for p in full)


def test_training_an_encoder_model_calibrates_its_cascade(datasets: Path, tmp_path: Path) -> None:
    examples = [Example(e.text, e.label) for e in bitext_examples(datasets, "8k")[::6]]
    report = train(examples, config=TrainConfig(encoder=enc.MUSE))
    stage = report.model.cascade
    assert stage is not None and stage.threshold >= report.model.threshold
    assert 0.0 < stage.heldout_share <= 1.0
    assert report.model.meta["cascade"]["threshold"] == stage.threshold
    report.model.save(tmp_path)
    loaded = IntentModel.load(tmp_path)
    assert loaded.cascade is not None
    assert loaded.cascade.threshold == stage.threshold
    assert np.array_equal(loaded.cascade.intercept, stage.intercept)
    # Stage one is a TF-IDF SVM of its own, stored beside the joint weights (as float16).
    n_sparse = len(loaded.word_vocab) + len(loaded.char_vocab)
    assert stage.coef is not None and loaded.cascade.coef is not None
    assert loaded.cascade.coef.shape == (n_sparse, len(loaded.labels))
    np.testing.assert_allclose(loaded.cascade.coef, stage.coef, atol=2e-3)
    assert not np.allclose(loaded.cascade.coef, loaded.coef[:n_sparse], atol=1e-2)
    # It decides a real share of the held-out rows, not the ~1% a joint model's TF-IDF
    # rows did, and its answers there are the trained model's on a fresh sample.
    assert stage.heldout_share >= 0.2
    texts = [e.text for e in bitext_examples(datasets, "llm")[::50]]
    cascade, full = loaded.predict_many(texts), loaded.predict_many(texts, cascade=False)
    assert 0.2 <= np.mean([p.stage == "tfidf" for p in cascade]) < 1.0
    agree = [a.intent == b.intent for a, b in zip(cascade, full, strict=True)]
    assert np.mean(agree) >= 0.97


def test_a_model_without_cascade_fields_runs_the_full_scorer(
    default_model: IntentModel, tmp_path: Path, encoder_calls: EncoderCalls
) -> None:
    # What a model saved before the cascade existed looks like.
    default_model.save(tmp_path)
    doc = json.loads((tmp_path / "model.json").read_text("utf-8"))
    del doc["cascade"]
    (tmp_path / "model.json").write_text(json.dumps(doc), "utf-8")
    older = IntentModel.load(tmp_path)
    assert older.cascade is None
    prediction = older.predict(CLEAR)
    assert (prediction.intent, prediction.stage) == ("cancel_order", "full")
    assert encoder_calls.texts == [[CLEAR]]


def test_tfidf_models_have_no_cascade(toy_model_dir: Path) -> None:
    model = IntentModel.load(toy_model_dir)
    assert model.cascade is None
    assert "cascade" not in json.loads((toy_model_dir / "model.json").read_text("utf-8"))


def test_stage_one_weights_of_the_wrong_shape_are_refused(
    default_model: IntentModel, tmp_path: Path
) -> None:
    default_model.save(tmp_path)
    with np.load(tmp_path / "weights.npz") as z:
        arrays = {k: z[k] for k in z.files}
    features = len(default_model.word_vocab) + len(default_model.char_vocab)
    # One feature short: weights saved for another vocabulary.
    arrays["cascade_coef"] = np.zeros((features - 1, len(default_model.labels)), np.float16)
    np.savez_compressed(tmp_path / "weights.npz", **arrays)
    with pytest.raises(ModelError, match="stage-one weights of shape"):
        IntentModel.load(tmp_path)


def test_stage_one_does_not_trade_its_errors_for_the_full_models() -> None:
    # 1,000 held-out in-scope rows, stage-one confidence 0.000 ... 0.999. Stage one is wrong
    # on the ten least sure, the full model on the next ten: deciding everything in stage
    # one is right as often as the full model (990 each), but it answers 2% of the rows
    # differently. Only from 0.02 up, where the two agree, may stage one decide.
    conf = np.arange(1000) / 1000
    one, full = np.ones(1000, dtype=bool), np.ones(1000, dtype=bool)
    one[:10], full[10:20] = False, False
    rows = cascade.HeldOutRows(conf, one, full, np.zeros(1000, dtype=bool))
    chosen = cascade.choose_threshold(rows, floor=0.0)
    assert chosen is not None
    assert 0.019 < chosen[0] <= 0.021 and chosen[1] == pytest.approx(0.98, abs=0.002)


def test_stored_float16_weights_score_as_their_float32_copies(default_model: IntentModel) -> None:
    # Prediction widens only the rows a text uses, not whole matrices (5 MB of the web
    # process for the shipped model): the answers must be those of float32 copies.
    assert default_model.coef.dtype == np.float16
    assert default_model.cascade is not None and default_model.cascade.coef is not None
    wide = dataclasses.replace(
        default_model,
        coef=default_model.coef.astype(np.float32),
        cascade=dataclasses.replace(
            default_model.cascade, coef=default_model.cascade.coef.astype(np.float32)
        ),
    )
    texts = [json.loads(line)["text"] for line in HELDOUT.read_text("utf-8").splitlines()]
    assert np.array_equal(default_model.scores(texts), wide.scores(texts))
    assert default_model.predict_many(texts) == wide.predict_many(texts)
