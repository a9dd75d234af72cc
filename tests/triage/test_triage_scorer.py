"""The joint scorer: one SVM over TF-IDF and embeddings, and the cascade's TF-IDF-only SVM."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from minidesk.triage.scorer import fit_parts


def _data(seed: int = 0) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """Three classes; "a" and "b" share their words exactly and differ only in meaning."""
    rng = np.random.default_rng(seed)
    n = 60
    y = np.array(["a", "b", "c"] * (n // 3))
    words = np.zeros((n, 6), dtype=np.float32)
    words[y != "c", 0] = 1.0  # "a" and "b": the same word
    words[y == "c", 1] = 1.0
    words[:, 2:] = rng.random((n, 4)) * 0.1  # noise words
    centres = {"a": np.eye(8)[0], "b": np.eye(8)[1], "c": np.eye(8)[2]}
    emb = np.stack([centres[lab] for lab in y]) + rng.normal(0, 0.2, (n, 8))
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    return sp.csr_matrix(words), emb.astype(np.float32), y


def test_the_embedding_separates_what_the_words_cannot() -> None:
    x, emb, y = _data()
    fitted = fit_parts(x, emb, y, c=1.0, seed=0)
    xt, et, yt = _data(seed=1)
    full = fitted.scores(xt, et).full
    predicted = np.asarray(fitted.classes)[full.argmax(axis=1)]
    assert (predicted == yt).mean() >= 0.95
    words_only = fit_parts(x, None, y, c=1.0, seed=0).scores(xt, None).full
    assert (np.asarray(fitted.classes)[words_only.argmax(axis=1)] == yt).mean() < 0.8


def test_stacked_weights_score_as_the_parts() -> None:
    x, emb, y = _data()
    fitted = fit_parts(x, emb, y, c=1.0, seed=0)
    coef, intercept = fitted.stacked()
    # The saved model multiplies the unit-length embedding by the stacked rows as they are.
    direct = sp.hstack([x, sp.csr_matrix(emb)], format="csr") @ coef + intercept
    np.testing.assert_allclose(direct, fitted.scores(x, emb).full, rtol=1e-4, atol=1e-4)


def test_stage_one_is_a_tfidf_only_svm_of_its_own() -> None:
    x, emb, y = _data()
    fitted = fit_parts(x, emb, y, c=1.0, seed=0)
    alone = fit_parts(x, None, y, c=1.0, seed=0).scores(x, None).full
    np.testing.assert_allclose(fitted.scores(x, emb).stage_one, alone, rtol=1e-5, atol=1e-5)
    # The embedding moves the full score, never stage one's.
    other = np.roll(emb, 1, axis=0)
    np.testing.assert_array_equal(
        fitted.scores(x, other).stage_one, fitted.scores(x, emb).stage_one
    )
    assert not np.allclose(fitted.scores(x, other).full, fitted.scores(x, emb).full, atol=1e-3)
    # Its own fit, not the joint model's TF-IDF rows: those lean on the embedding.
    assert not np.allclose(fitted.stage_one_coef, fitted.sparse_coef, atol=1e-3)


def test_a_tfidf_only_scorer_has_one_stage() -> None:
    x, _, y = _data()
    scores = fit_parts(x, None, y, c=1.0, seed=0).scores(x, None)
    np.testing.assert_array_equal(scores.stage_one, scores.full)
