"""Training an intent model: fit, calibrate the confidence, choose the out-of-scope threshold.

Calibration uses out-of-fold scores, so the threshold is chosen on data the scoring model
did not see:

* with ``oos`` rows in the data, they are both an extra class and, out of fold, the
  negatives the threshold is chosen against;
* without them, folds also hold out whole *classes*: an example of a class the fold's model
  never saw is a genuine out-of-scope message for that model ("leave classes out"), which
  gives realistic, same-domain negatives from any labelled corpus.

With a sentence encoder (``muse``, the default, or ``minilm`` from the optional
``embeddings`` extra) every text is also embedded once, and one SVM is fitted on the TF-IDF
row and the embedding together (``triage.scorer``). Folds, calibration and threshold are the
same with or without an encoder.

The threshold maximises in-scope accuracy (a rejected message counts as wrong) plus
out-of-scope recall on those held-out scores: equal weight to forcing a wrong label on an
unknown message and to refusing a known one, both of which send a ticket the wrong way.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer

from minidesk.triage import encoder as enc
from minidesk.triage import fitting, folds, perturb
from minidesk.triage.calibration import Calibration, calibrate, calibrate_cascade
from minidesk.triage.data import OOS_LABEL, Example
from minidesk.triage.model import CHAR_OPTIONS, MAX_CHARS, WORD_OPTIONS, IntentModel
from minidesk.triage.scorer import EMBEDDING_SCALE, combine


class TrainingError(ValueError):
    """The examples cannot train a model (too few intents or examples)."""


@dataclass(frozen=True)
class TrainConfig:
    c: float = 1.0
    folds: int = 4
    char_min_df: int = 2
    seed: int = 0
    # Expected share of out-of-scope messages in live traffic: the threshold maximises the
    # expected accuracy over that mix (a refused in-scope message and an accepted
    # out-of-scope one are both errors).
    oos_share: float = 0.1
    # "muse" (multilingual sentence embeddings + TF-IDF, default install), "tfidf" (TF-IDF
    # only) or "minilm" (English embeddings, optional extra).
    encoder: str = enc.MUSE
    # Scale of the unit-length embedding beside the TF-IDF row (``triage.scorer``).
    embedding_scale: float = EMBEDDING_SCALE


@dataclass
class TrainReport:
    model: IntentModel
    calibration: Calibration
    seconds: float
    n_examples: int
    extra: dict[str, Any] = field(default_factory=dict)


def train(
    examples: Sequence[Example],
    *,
    config: TrainConfig | None = None,
    version: str | None = None,
    meta: dict[str, Any] | None = None,
    fold_ids: Sequence[int] | None = None,
    workers: int | None = None,
    leave_classes_out: bool | None = None,
) -> TrainReport:
    """Train, calibrate and return an :class:`IntentModel` (not yet saved).

    ``fold_ids`` (one small integer per example) fixes the calibration folds, e.g. one per
    data release, so that the threshold is chosen on phrasing the scorer never saw;
    templated corpora split at random look far more confident than live traffic.
    ``workers`` caps the processes the fits run in (``triage.fitting``; by default two for
    large data, none below); the model is the same with any number.
    ``leave_classes_out`` also holds whole intents out of each fold as negatives; by default
    only without ``oos`` rows. ``build_default`` asks for it beside its own ``oos`` rows:
    those are generated non-requests (thanks, greetings, ``triage.negatives``), easy to
    refuse once seen, and only left-out intents stand for the unfamiliar requests the
    threshold must also refuse.
    """
    cfg = config or TrainConfig()
    started = time.perf_counter()
    texts = [e.text[:MAX_CHARS] for e in examples]
    labels = [e.label for e in examples]
    intents = sorted({lab for lab in labels if lab != OOS_LABEL})
    if len(intents) < 2:
        raise TrainingError(f"need at least two intents to train, got {intents}")
    enc.require(cfg.encoder)  # fail before minutes of work, with the install hint

    word = make_vectorizer(WORD_OPTIONS)
    char = make_vectorizer(CHAR_OPTIONS, min_df=cfg.char_min_df if len(texts) > 200 else 1)
    y = np.array(labels)
    wanted = OOS_LABEL not in labels if leave_classes_out is None else leave_classes_out
    leave_out = wanted and len(intents) >= 3
    n_workers = fitting.default_workers(len(texts)) if workers is None else workers
    run = _fit_all(texts, y, intents, cfg, word, char, fold_ids, n_workers, leave_out)
    x, emb, plan, perturbed = run.x, run.emb, run.plan, run.perturbed
    sparse_results, joint_results, encode_seconds = run.sparse, run.joint, run.encode_seconds
    held = folds.held_out(sparse_results, joint_results, plan, y, perturbed)
    calib = calibrate(held, left_out_classes=leave_out, oos_share=cfg.oos_share)
    final_sparse = sparse_results[0].fitted
    assert final_sparse is not None  # the job kept it
    parts = combine(
        final_sparse, None if joint_results is None else joint_results[0].fitted, x.shape[1]
    )
    stage_one = (
        None
        if emb is None
        else calibrate_cascade(held, calib, parts.stage_one_coef, parts.stage_one_intercept)
    )
    coef, intercept = parts.stacked()
    classes = parts.classes
    meta_all = {
        "embedding_scale": cfg.embedding_scale if emb is not None else 0.0,
        "encoder": cfg.encoder,
        "n_examples": len(texts),
        "label_counts": dict(Counter(labels)),
        "calibration": calib.__dict__,
        "cascade": None
        if stage_one is None
        else {
            "threshold": stage_one.threshold,
            "temperature": stage_one.temperature,
            "heldout_stage_one_share": stage_one.heldout_share,
        },
        "config": cfg.__dict__,
        "sklearn_version": sklearn.__version__,
        "trained_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        **(meta or {}),
    }
    model = IntentModel(
        labels=classes,
        word_vocab=_vocab_list(word.vocabulary_),
        word_idf=word.idf_.astype(np.float32),
        char_vocab=_vocab_list(char.vocabulary_),
        char_idf=char.idf_.astype(np.float32),
        coef=coef,
        intercept=intercept,
        temperature=calib.temperature,
        threshold=calib.threshold,
        version=version or _fingerprint(texts, labels, cfg),
        meta=meta_all,
        encoder=cfg.encoder,
        # The scale is folded into the stacked weights; embeddings enter at unit length.
        embedding_weight=1.0 if emb is not None else 0.0,
        cascade=stage_one,
    )
    extra = {"encode_seconds": round(encode_seconds, 2)} if cfg.encoder != enc.TFIDF else {}
    return TrainReport(model, calib, time.perf_counter() - started, len(texts), extra)


@dataclass
class _Run:
    """The fits of one training run and what they were fitted on."""

    x: sp.csr_matrix
    emb: np.ndarray | None
    plan: list[folds.Fold]
    perturbed: folds.Perturbed | None
    sparse: list[fitting.FitResult]  # TF-IDF-only SVMs, in ``plan`` order
    joint: list[fitting.FitResult] | None  # joint SVMs, with an encoder
    encode_seconds: float


def _fit_all(
    texts: list[str],
    y: np.ndarray,
    intents: list[str],
    cfg: TrainConfig,
    word: TfidfVectorizer,
    char: TfidfVectorizer,
    fold_ids: Sequence[int] | None,
    workers: int,
    leave_out: bool,
) -> _Run:
    """Vectorize, encode and fit: the final model's SVMs and every calibration fold's."""
    labels = y.tolist()
    with fitting.Fitter(
        c=cfg.c, seed=cfg.seed, workers=workers, embedding_scale=cfg.embedding_scale
    ) as fitter:
        # Vocabulary and IDF come from all examples once; the folds share them. That leaks
        # only document frequencies, not labels, and saves a refit per fold.
        x = sp.hstack([word.fit_transform(texts), char.fit_transform(texts)]).tocsr()
        perturbed = None
        if (
            cfg.encoder != enc.TFIDF
            and fold_ids is None
            and OOS_LABEL not in labels
            and len(intents) >= 3
        ):
            # Word-dropped copies of some in-scope rows, scored out of fold beside the clean
            # ones (``triage.perturb``): unseen phrasings for the threshold to accept. Only
            # where the folds are phrasings of a corpus without oos rows (``_fold_plan``);
            # with oos rows the folds are random (CLINC150's crowd paraphrases are already
            # independent phrasings) and the effect was not measured.
            rows, ptexts = perturb.sample(texts, labels, np.random.default_rng(cfg.seed + 1))
            perturbed = folds.Perturbed(rows, ptexts, _tfidf(word, char, ptexts))
        plan = None
        if not (leave_out and cfg.encoder != enc.TFIDF and fold_ids is None):
            # Folds that need no embedding: the TF-IDF-only fits start while this process
            # encodes.
            plan = _plan(None, y, intents, cfg, fold_ids, leave_out)
            sparse = folds.submit(fitter, plan, x, None, y, perturbed)
        encode_seconds = 0.0
        emb: np.ndarray | None = None
        if cfg.encoder != enc.TFIDF:
            # Embedded once for all folds and the final fit.
            t0 = time.perf_counter()
            emb = enc.get_encoder(cfg.encoder).encode(texts)
            if perturbed is not None:
                perturbed.emb = enc.get_encoder(cfg.encoder).encode(perturbed.texts)
            encode_seconds = time.perf_counter() - t0
        joint = None
        if plan is None:
            plan = _plan(emb, y, intents, cfg, fold_ids, leave_out)
            # The joint fits are the larger: they go first.
            joint = folds.submit(fitter, plan, x, emb, y, perturbed)
            sparse = folds.submit(fitter, plan, x, None, y, perturbed)
        elif emb is not None:
            joint = folds.submit(fitter, plan, x, emb, y, perturbed)
        return _Run(
            x,
            emb,
            plan,
            perturbed,
            [f.result() for f in sparse],
            None if joint is None else [f.result() for f in joint],
            encode_seconds,
        )


def make_vectorizer(options: dict[str, Any], min_df: int = 1) -> TfidfVectorizer:
    """An unfitted TF-IDF vectorizer; models apply it with ``triage.features`` (no sklearn)."""
    opts = dict(options)
    opts["ngram_range"] = tuple(opts["ngram_range"])
    return TfidfVectorizer(min_df=min_df, dtype=np.float32, **opts)


def _vocab_list(vocab: dict[str, int]) -> list[str]:
    out = [""] * len(vocab)
    for term, idx in vocab.items():
        out[idx] = term
    return out


def _fingerprint(texts: list[str], labels: list[str], cfg: TrainConfig) -> str:
    # The encoder fields enter the hash only when used, so TF-IDF models keep the versions
    # they had before encoders existed (same data, same model, same name).
    fields = dict(cfg.__dict__)
    if cfg.encoder == enc.TFIDF:
        del fields["encoder"], fields["embedding_scale"]
        key = "TrainConfig(" + ", ".join(f"{k}={v!r}" for k, v in fields.items()) + ")"
    else:
        key = repr(cfg)
    h = hashlib.sha256(key.encode())
    for t, lab in zip(texts, labels, strict=True):
        h.update(f"{lab}\t{t}\n".encode())
    return "intents-" + h.hexdigest()[:12]


def _tfidf(word: TfidfVectorizer, char: TfidfVectorizer, texts: list[str]) -> sp.csr_matrix:
    return sp.hstack([word.transform(texts), char.transform(texts)]).tocsr()


def _plan(
    emb: np.ndarray | None,
    y: np.ndarray,
    intents: list[str],
    cfg: TrainConfig,
    fold_ids: Sequence[int] | None,
    leave_out: bool,
) -> list[folds.Fold]:
    try:
        return folds.plan(emb, y, intents, cfg.folds, cfg.seed, fold_ids, leave_out)
    except folds.NoFoldsError as exc:
        raise TrainingError(str(exc)) from exc
