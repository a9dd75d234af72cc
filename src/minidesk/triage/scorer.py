"""The linear scorer behind an intent model: one SVM over TF-IDF and sentence embeddings.

The embedding (unit length) is appended to the TF-IDF row, scaled by ``EMBEDDING_SCALE``,
and a single one-vs-rest linear SVM is fitted on the concatenation. The result is one linear
model: stacked, its weights load and score exactly like a TF-IDF-only model
(``IntentModel.scores``).

Why one fit rather than a TF-IDF SVM plus a separate ridge model on the embeddings (the
previous recipe): fitted apart, each part learns as if it were alone and their sum is only
weighed afterwards; fitted together, the SVM puts weight on the embedding exactly where the
words do not separate two intents. Measured on CLINC150 (top in-scope label, test split,
loaded machine): 93.8% summed apart at the best mix, 95.3-95.6% fitted together. The cost
is training time: every row carries 512 dense values into liblinear (about 26 s of CPU for
CLINC150's 15k rows against 9 s for TF-IDF alone).

Stage one of the cascade (``triage.cascade``) needs a TF-IDF scorer that stands on its own.
The joint model's TF-IDF part does not: it was fitted next to the embedding part and leans
on it, so alone it is rarely as sure as the full model (a joint model trained on Bitext 8k
decided 0-1% of the other release in stage one). So an encoder scorer also fits a TF-IDF-only
SVM on the same rows (``stage_one_coef``): a complete classifier, whose confident answers
the calibration can accept (about a third more liblinear CPU: the sparse fit is the cheap
one).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.svm import LinearSVC

# Scale of the (unit-length) embedding against the TF-IDF row, whose two blocks (words,
# characters) are unit length each. The SVM's penalty is the same on every weight, so the
# scale sets how cheaply the embedding may take part. Measured top-1 with 1 / 2 / 3 on
# CLINC150's validation split and across the Bitext releases (both ways): see
# docs/intents.md; 2 was best or within 0.3 points of best on each.
EMBEDDING_SCALE = 2.0


@dataclass
class PartScores:
    """Scores of one fitted scorer on the same rows, columns in ``classes`` order.

    ``stage_one`` is what the cascade's first stage computes (the TF-IDF-only SVM);
    ``full`` is the whole model's score.
    """

    classes: list[str]
    stage_one: np.ndarray
    full: np.ndarray


@dataclass
class FittedParts:
    classes: list[str]
    sparse_coef: np.ndarray  # (n_sparse_features, n_classes)
    dense_coef: np.ndarray | None  # (dimensions, n_classes), for unit-length embeddings
    intercept: np.ndarray
    # The cascade's stage one: a TF-IDF-only SVM on the same rows (same class order); for a
    # TF-IDF-only scorer it is the scorer itself.
    stage_one_coef: np.ndarray
    stage_one_intercept: np.ndarray

    def scores(self, x: sp.csr_matrix, emb: np.ndarray | None) -> PartScores:
        sparse = np.asarray(x @ self.sparse_coef)
        full = sparse + self.intercept
        if emb is None or self.dense_coef is None:
            return PartScores(self.classes, full, full)
        full = full + emb @ self.dense_coef
        stage_one = np.asarray(x @ self.stage_one_coef) + self.stage_one_intercept
        return PartScores(self.classes, stage_one, full)

    def stacked(self) -> tuple[np.ndarray, np.ndarray]:
        """(features x classes) weights and intercepts of the one linear model."""
        if self.dense_coef is None:
            return self.sparse_coef, self.intercept
        coef = np.vstack([self.sparse_coef, self.dense_coef]).astype(np.float32)
        return coef, self.intercept.astype(np.float32)


@dataclass
class LinearFit:
    """One fitted SVM: (features x classes) weights and intercepts, classes sorted.

    For the joint SVM the weights' last rows are the embedding's, the scale folded in."""

    classes: list[str]
    coef: np.ndarray
    intercept: np.ndarray

    def scores(self, x: sp.csr_matrix, emb: np.ndarray | None) -> np.ndarray:
        n_sparse = x.shape[1]
        out = np.asarray(x @ self.coef[:n_sparse]) + self.intercept
        if emb is not None and self.coef.shape[0] > n_sparse:
            out = out + emb @ self.coef[n_sparse:]
        return out


def fit_sparse(x: sp.csr_matrix, y: np.ndarray, *, c: float, seed: int) -> LinearFit:
    """The SVM on TF-IDF rows alone: a TF-IDF-only scorer, or the cascade's stage one."""
    svm = LinearSVC(C=c, random_state=seed).fit(x, y)
    w, b = linear_params(svm.coef_, svm.intercept_)
    return LinearFit([str(k) for k in svm.classes_], w, b)


def fit_joint(
    x: sp.csr_matrix,
    emb: np.ndarray,
    y: np.ndarray,
    *,
    c: float,
    seed: int,
    embedding_scale: float = EMBEDDING_SCALE,
) -> LinearFit:
    """The SVM on ``[x, embedding_scale * emb]``; its weights take unit-length embeddings."""
    features = sp.hstack([x, sp.csr_matrix(emb * np.float32(embedding_scale))], format="csr")
    svm = LinearSVC(C=c, random_state=seed).fit(features, y)
    w, b = linear_params(svm.coef_, svm.intercept_)
    # Folded in here so that the model multiplies unit-length embeddings as they come.
    w[x.shape[1] :] *= np.float32(embedding_scale)
    return LinearFit([str(k) for k in svm.classes_], w, b)


def combine(sparse: LinearFit, joint: LinearFit | None, n_sparse: int) -> FittedParts:
    """The scorer made of its SVMs: the joint one (if any) scores, the sparse one is stage one."""
    if joint is None:
        return FittedParts(
            sparse.classes, sparse.coef, None, sparse.intercept, sparse.coef, sparse.intercept
        )
    assert joint.classes == sparse.classes  # both sort the same labels
    return FittedParts(
        joint.classes,
        joint.coef[:n_sparse],
        joint.coef[n_sparse:],
        joint.intercept,
        sparse.coef,
        sparse.intercept,
    )


def fit_parts(
    x: sp.csr_matrix,
    emb: np.ndarray | None,
    y: np.ndarray,
    *,
    c: float,
    seed: int,
    embedding_scale: float = EMBEDDING_SCALE,
) -> FittedParts:
    """One linear SVM on ``[x, embedding_scale * emb]`` (or on ``x`` alone), and with an
    embedding also the TF-IDF-only SVM of the cascade's stage one."""
    sparse = fit_sparse(x, y, c=c, seed=seed)
    joint = (
        None
        if emb is None
        else fit_joint(x, emb, y, c=c, seed=seed, embedding_scale=embedding_scale)
    )
    return combine(sparse, joint, x.shape[1])


def linear_params(coef: np.ndarray, intercept: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(features x classes) weights and intercepts; a binary model becomes two columns."""
    w = np.atleast_2d(np.asarray(coef, dtype=np.float32))
    b = np.atleast_1d(np.asarray(intercept, dtype=np.float32))
    if w.shape[0] == 1:  # binary: decision d for class 1; columns (-d/2, d/2) keep d apart
        w, b = np.vstack([-w / 2, w / 2]), np.array([-b[0] / 2, b[0] / 2], dtype=np.float32)
    return w.T.copy(), b
