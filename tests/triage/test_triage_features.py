"""Prediction's TF-IDF transform equals scikit-learn's, and serving never imports sklearn."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from minidesk.triage.features import FeatureOptionsError, TfidfFeatures
from minidesk.triage.model import CHAR_OPTIONS, WORD_OPTIONS, IntentModel
from minidesk.triage.registry import DEFAULT_MODEL_DIR

HELDOUT = Path(__file__).parent / "multilingual_heldout.jsonl"
# The shapes that tokenisers get wrong: accents and combining marks, ligatures, tabs and runs
# of spaces, one-letter words, words shorter than an n-gram, punctuation only, nothing.
AWKWARD = [
    "", "   ", "?!", "a", "ok", "Où est   ma commande\t#1234 ?\n\nMerci",
    "Me quemé con el cargador; QUEMADURA grave", "Straße verbrüht ﬁle ½ ÆØÅ",
    "e\u0301te\u0301 (combining accents)", "😀 where is it 😀😀", "x" * 700,
    "order ORD-1234 and #5678, tracking 1Z999AA10123456784", "I I I I want want a refund",
]


def _texts() -> list[str]:
    lines = HELDOUT.read_text("utf-8").splitlines()
    return AWKWARD + [json.loads(line)["text"] for line in lines if line]


def _sklearn(options: dict[str, object], vocab: list[str], idf: np.ndarray) -> TfidfVectorizer:
    opts = dict(options)
    opts["ngram_range"] = tuple(opts["ngram_range"])  # type: ignore[arg-type]
    vec = TfidfVectorizer(vocabulary={t: i for i, t in enumerate(vocab)}, dtype=np.float32,
                          **opts)  # type: ignore[arg-type]
    vec.idf_ = np.asarray(idf, dtype=np.float64)
    return vec


@pytest.fixture(scope="module")
def default_model() -> IntentModel:
    return IntentModel.load(DEFAULT_MODEL_DIR)


@pytest.mark.parametrize("kind", ["word", "char"])
def test_the_transform_equals_sklearns_on_the_shipped_vocabulary(
        default_model: IntentModel, kind: str) -> None:
    options, vocab, idf = ((WORD_OPTIONS, default_model.word_vocab, default_model.word_idf)
                           if kind == "word" else
                           (CHAR_OPTIONS, default_model.char_vocab, default_model.char_idf))
    ours = TfidfFeatures(options, vocab, idf)
    texts = _texts()
    theirs = _sklearn(options, vocab, idf).transform(texts).toarray()
    assert theirs.any(axis=1).sum() > len(texts) // 2  # most texts do have known features
    for text, expected in zip(texts, theirs, strict=True):
        cols, values = ours.transform(text)
        got = np.zeros(len(vocab), dtype=np.float32)
        got[cols] = values
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6, err_msg=text)


def test_ngrams_of_a_fitted_vocabulary_are_sklearns_terms() -> None:
    # Fitting (not a stored vocabulary) lists every term sklearn's analyzer emits; ours must
    # emit the same multiset, or unseen orders of n-grams would go unnoticed above.
    texts = _texts()
    for options in (WORD_OPTIONS, CHAR_OPTIONS):
        opts = dict(options)
        opts["ngram_range"] = tuple(opts["ngram_range"])
        analyzer = TfidfVectorizer(**opts).build_analyzer()
        ours = TfidfFeatures(options, ["x"], np.ones(1))
        for text in texts:
            assert ours.terms(text) == analyzer(text), text


def test_scores_and_answers_are_those_of_the_sklearn_transform(
        default_model: IntentModel) -> None:
    texts = _texts()
    m = default_model
    word = _sklearn(WORD_OPTIONS, m.word_vocab, m.word_idf).transform(texts)
    char = _sklearn(CHAR_OPTIONS, m.char_vocab, m.char_idf).transform(texts)
    nw, nc = len(m.word_vocab), len(m.char_vocab)
    coef = m.coef.astype(np.float32)
    expected = np.asarray(word @ coef[:nw]) + np.asarray(char @ coef[nw:nw + nc])
    np.testing.assert_allclose(m._tfidf_scores(texts), expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("options, message", [
    ({**WORD_OPTIONS, "stop_words": "english"}, "unsupported TF-IDF options: ['stop_words']"),
    ({**WORD_OPTIONS, "analyzer": "char"}, "unsupported analyzer 'char'"),
    ({**WORD_OPTIONS, "strip_accents": "ascii"}, "unsupported strip_accents 'ascii'"),
])
def test_options_it_cannot_reproduce_are_refused_by_name(
        options: dict[str, object], message: str) -> None:
    with pytest.raises(FeatureOptionsError, match=message.replace("[", r"\[")):
        TfidfFeatures(options, ["a"], np.ones(1))


def test_a_vocabulary_and_idf_of_different_lengths_are_refused() -> None:
    with pytest.raises(FeatureOptionsError, match="2 vocabulary terms but 1 IDF weights"):
        TfidfFeatures(WORD_OPTIONS, ["a", "b"], np.ones(1))


PROBE = """
import os, sys, tempfile
os.environ.setdefault("MINIDESK_DATABASE_URL", "sqlite:///" + tempfile.mkdtemp() + "/p.db")
os.environ.setdefault("MINIDESK_SECRET_KEY", "probe-only-secret-key-0123456789abcdef")
from minidesk.web.app import create_app
create_app(embedded_workers=0)
from minidesk.triage import analyse, encoder
# Words the TF-IDF stage never saw: the sentence encoder answers, so it is loaded too.
result = analyse("¿Me podrían mandar la factura de mi compra, por favor?")
assert result.intent == "invoice" and encoder.loaded(encoder.MUSE), result
# What an embedded worker's minute sweep resolves: the retrain job's module among them.
from minidesk import features
assert "intent_retrain" in features.long_jobs()
print(sorted(m for m in sys.modules if m.split(".")[0] in ("sklearn", "scipy")))
"""


def test_a_web_process_answering_and_sweeping_imports_neither_sklearn_nor_scipy() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINIDESK_")}
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          check=False,
                          env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
