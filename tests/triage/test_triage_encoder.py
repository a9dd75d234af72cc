"""The optional MiniLM encoder path: train → save → load → predict, and the missing-extra error.

These need the ``embeddings`` extra. Without it they are skipped locally, but with
``CI=true`` a missing extra fails: CI installs ``.[all]``, so a skip there would hide a
broken install.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from minidesk.triage import encoder as enc
from minidesk.triage.data import Example
from minidesk.triage.model import EncoderMissingError, IntentModel
from minidesk.triage.result import UNKNOWN_INTENT
from minidesk.triage.train import TrainConfig, train

MISSING = enc.missing_modules()


@pytest.fixture(scope="module")
def extra_installed() -> None:
    if not MISSING:
        return
    reason = f"optional 'embeddings' extra not installed (missing: {', '.join(MISSING)})"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI installs .[all] and must run these tests")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def minilm_model_dir(extra_installed: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from triage.conftest import toy_examples

    out = tmp_path_factory.mktemp("minilm_model")
    report = train(toy_examples(), config=TrainConfig(encoder=enc.MINILM))
    assert report.extra["encode_seconds"] >= 0
    report.model.save(out)
    return out


def test_minilm_model_round_trips_and_predicts(minilm_model_dir: Path) -> None:
    doc = json.loads((minilm_model_dir / "model.json").read_text())
    assert doc["encoder"] == "minilm" and doc["meta"]["encoder"] == "minilm"
    assert doc["format"] == 2 and doc["embedding_weight"] > 0
    model = IntentModel.load(minilm_model_dir)
    assert model.encoder == "minilm"
    # Paraphrases that share few words with the training examples.
    assert model.predict("my parcel never showed up").intent == "order_status"
    assert model.predict("reimburse me for the purchase").intent == "refund"
    assert model.predict("I can't get into my account, forgot the password").intent == "password"


def test_minilm_model_says_unknown_to_nonsense(minilm_model_dir: Path) -> None:
    model = IntentModel.load(minilm_model_dir)
    for text in ["qqqq kkkk xxxx", "what is the capital of mongolia", ""]:
        assert model.predict(text).intent == UNKNOWN_INTENT, text


def test_minilm_batch_and_single_predictions_agree(minilm_model_dir: Path) -> None:
    model = IntentModel.load(minilm_model_dir)
    texts = ["where is my order", "refund please", "reset my password"]
    assert [p.intent for p in model.predict_many(texts)] == [
        model.predict(t).intent for t in texts]


def test_tfidf_models_do_not_touch_the_encoder(toy_model_dir: Path) -> None:
    doc = json.loads((toy_model_dir / "model.json").read_text())
    assert doc["format"] == 1 and doc["encoder"] == "tfidf"
    assert IntentModel.load(toy_model_dir).encoder == "tfidf"


def _hide_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    # A None entry in sys.modules makes both find_spec and import fail, as if not installed.
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)


def test_loading_a_minilm_model_without_the_extra_says_how_to_install(
        tmp_path: Path, toy: list[Example], monkeypatch: pytest.MonkeyPatch) -> None:
    # Written by hand rather than trained, so this runs (and guards the message) everywhere.
    model = train(toy).model
    model.save(tmp_path)
    doc = json.loads((tmp_path / "model.json").read_text())
    doc.update(format=2, encoder="minilm", embedding_weight=1.0)
    (tmp_path / "model.json").write_text(json.dumps(doc))
    _hide_extra(monkeypatch)
    with pytest.raises(EncoderMissingError) as err:
        IntentModel.load(tmp_path)
    message = str(err.value)
    assert "'embeddings' extra" in message and "sentence_transformers" in message
    assert "pip install 'minidesk[embeddings]'" in message and str(tmp_path) in message


def test_training_with_minilm_without_the_extra_fails_before_any_work(
        toy: list[Example], monkeypatch: pytest.MonkeyPatch) -> None:
    _hide_extra(monkeypatch)
    with pytest.raises(enc.EncoderUnavailableError, match=r"minidesk\[embeddings\]"):
        train(toy, config=TrainConfig(encoder="minilm"))


def test_unknown_encoder_is_refused(toy: list[Example]) -> None:
    with pytest.raises(enc.EncoderUnavailableError, match="unknown encoder 'bert'"):
        train(toy, config=TrainConfig(encoder="bert"))


def test_cli_trains_and_evaluates_with_minilm(extra_installed: None, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from minidesk.triage.cli import app
    from triage.test_triage_cli import _write_csv

    data, out = tmp_path / "data.csv", tmp_path / "model"
    _write_csv(data)
    runner = CliRunner()
    res = runner.invoke(app, ["train", str(data), "--out", str(out), "--encoder", "minilm"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["encoder"] == "minilm"
    res = runner.invoke(app, ["eval", str(out), str(data)])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["accuracy"] >= 0.9


def test_cli_refuses_an_unknown_encoder(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from minidesk.triage.cli import app
    from triage.test_triage_cli import _write_csv

    data = tmp_path / "data.csv"
    _write_csv(data)
    res = CliRunner().invoke(app, ["train", str(data), "--out", str(tmp_path / "m"),
                                   "--encoder", "bert"])
    assert res.exit_code == 2 and "unknown encoder 'bert'" in res.output
