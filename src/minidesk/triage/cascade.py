"""The two-stage intent decision: TF-IDF first, the sentence encoder only when it is unsure.

An encoder model's scorer is one linear SVM over TF-IDF and a sentence embedding
(``triage.scorer``). Beside it the model stores a TF-IDF-only SVM (``coef``): a complete
classifier on its own that costs about a tenth of the encoder's forward pass and on most
live messages ("where is my order #123?") already agrees with the full model. So the model
first scores with that SVM, turned into probabilities with a temperature of its own; a
message whose top probability reaches the cascade ``threshold`` is decided there, the rest
get the encoder and the full scorer. Models saved before the stage-one SVM existed have no
``coef`` and score stage one with the TF-IDF rows of their full weights (as they were
calibrated).

The threshold is chosen in training on the same out-of-fold scores as the model's own
threshold (unseen phrasings, left-out classes or held-out ``oos`` rows as negatives): the
*lowest* stage-one confidence at which the cascade's held-out in-scope accuracy and its
out-of-scope recall are each still at least the full scorer's (each on its own: a weighted
sum could trade one for the other), and at which stage one answers at most
``MAX_DIFFERENT`` of the rows it decides differently from the full scorer. That estimate is
only as good as the held-out negatives: CLINC150 has 100 ``oos`` training rows, too few to
see a one-point loss of out-of-scope recall, and its test set shows one (74.8% -> 73.9%).
It never goes below the model's own threshold, so stage one only ever answers with a
confident in-scope label or with ``unknown`` because the ``oos`` class won.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from minidesk.triage.data import OOS_LABEL
from minidesk.triage.result import UNKNOWN_INTENT

# Candidate thresholds: stage-one confidences at these quantiles (finer than any held-out
# set needs; a search over every distinct value would cost seconds for nothing).
CANDIDATES = 400
# Most share of the held-out rows stage one decides on which it is right where the full
# model is wrong or the other way round. Equal totals alone let stage one trade its own
# errors for the full model's, and the trade does not hold on phrasing further away:
# Bitext 8k -> LLM release, threshold 0.555, 0.5% of the decided held-out rows differed
# but the cascade lost 0.65 points of the other release to the full model; at 0.2%
# (threshold ~0.7) it lost 0.4 points.
MAX_DIFFERENT = 0.002


@dataclass(frozen=True)
class Cascade:
    """Stage one of an encoder model: TF-IDF scores (``coef``, else the TF-IDF rows of the
    full weights) plus ``intercept``, softmax at ``temperature``; decided there when the top
    probability is at least ``threshold``."""

    threshold: float
    temperature: float
    intercept: np.ndarray
    heldout_share: float  # share of held-out messages stage one decided
    coef: np.ndarray | None = None  # (TF-IDF features, labels): the stage-one SVM


@dataclass(frozen=True)
class HeldOutRows:
    """Per held-out row, both stages' confidence and whether each decided it right."""

    stage_one_confidence: np.ndarray
    stage_one_right: np.ndarray
    full_right: np.ndarray
    negative: np.ndarray  # an out-of-scope row (right = answered "unknown")


def decide(
    probs: np.ndarray, labels: Sequence[str], threshold: float
) -> tuple[list[str], np.ndarray]:
    """The model's decision rule on many rows at once: (answers, in-scope confidences)."""
    oos = list(labels).index(OOS_LABEL) if OOS_LABEL in labels else -1
    top = probs.argmax(axis=1)
    in_scope = probs.copy()
    if oos >= 0:
        in_scope[:, oos] = -1.0
    best = in_scope.argmax(axis=1)
    conf = in_scope[np.arange(len(best)), best]
    names = np.asarray(labels, dtype=object)[best]
    names[(top == oos) | (conf < threshold)] = UNKNOWN_INTENT
    return [str(n) for n in names], conf


def rows_right(answers: Sequence[str], truth: Sequence[str], labels: Sequence[str]) -> np.ndarray:
    """Whether each answer is right: the label for in-scope rows, ``unknown`` for the rest."""
    known = set(labels) - {OOS_LABEL}
    return np.array(
        [a == (t if t in known else UNKNOWN_INTENT) for a, t in zip(answers, truth, strict=True)],
        dtype=bool,
    )


def scores(right: np.ndarray, negative: np.ndarray) -> tuple[int, int]:
    """(in-scope rows answered right, out-of-scope rows answered ``unknown``)."""
    return int(right[~negative].sum()), int(right[negative].sum())


def held_out_rows(
    folds: Sequence[tuple[np.ndarray, np.ndarray, Sequence[str], Sequence[str]]],
    threshold: float,
) -> HeldOutRows:
    """Rows of ``(stage-one probabilities, full probabilities, labels, truths)`` per fold,
    each stage decided with the model's ``threshold``."""
    conf, one, full, negative = [], [], [], []
    for p1, pf, labels, truth in folds:
        known = set(labels) - {OOS_LABEL}
        conf.append(p1.max(axis=1))
        one.append(rows_right(decide(p1, labels, threshold)[0], truth, labels))
        full.append(rows_right(decide(pf, labels, threshold)[0], truth, labels))
        negative.append(np.array([t not in known for t in truth], dtype=bool))
    return HeldOutRows(
        np.concatenate(conf), np.concatenate(one), np.concatenate(full), np.concatenate(negative)
    )


def choose_threshold(rows: HeldOutRows, *, floor: float) -> tuple[float, float] | None:
    """(threshold, held-out share decided by stage one): the lowest threshold, not below
    ``floor``, at which the cascade is right on at least as many held-out in-scope rows and
    out-of-scope rows as the full scorer; None when no threshold lets stage one decide
    anything without a loss."""
    conf = rows.stage_one_confidence
    if not len(conf):
        return None
    target_in, target_out = scores(rows.full_right, rows.negative)
    cands = np.unique(np.quantile(conf, np.linspace(0.0, 1.0, CANDIDATES)))
    differs = rows.stage_one_right != rows.full_right
    for t in cands[cands >= floor]:  # ascending: the first without a loss is the cheapest
        sure = conf >= t
        got_in, got_out = scores(
            np.where(sure, rows.stage_one_right, rows.full_right), rows.negative
        )
        if got_in >= target_in and got_out >= target_out and differs[sure].mean() <= MAX_DIFFERENT:
            return float(t), float(sure.mean())
    return None
