"""The intent model at prediction time, and its on-disk format.

A model directory holds ``model.json`` (labels, vocabularies, calibration, threshold,
versions) and ``weights.npz`` (IDF vectors and the linear weights as float16). No pickle:
loading cannot execute code, survives scikit-learn upgrades, and stays a few MB.

Features are word 1-2-gram and character 2-5-gram TF-IDF; the scorer is linear, turned into
probabilities by a softmax with a temperature fitted on held-out data. The answer is
``unknown`` when the winning class is ``oos`` or its probability is below ``threshold``.

With ``encoder: minilm`` (format 2, optional ``embeddings`` extra) the features also hold a
sentence embedding scaled by ``embedding_weight``; the scorer stays one linear model over
the concatenation, so calibration and the decision rule are the same for both encoders.
Format 2 exists so that a minidesk without encoder support refuses such a model by name.
An encoder model may carry a ``cascade`` (``triage.cascade``): messages a TF-IDF-only SVM
stored beside the weights (``cascade_coef``) decides confidently skip the encoder. A minidesk
that predates it ignores the fields and runs the full scorer on every message.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from minidesk.triage import encoder as enc
from minidesk.triage.cascade import Cascade
from minidesk.triage.data import OOS_LABEL
from minidesk.triage.features import TfidfFeatures
from minidesk.triage.result import UNKNOWN_INTENT

FORMAT_VERSION = 1
ENCODER_FORMAT_VERSION = 2
MODEL_FILE = "model.json"
WEIGHTS_FILE = "weights.npz"
# Beyond this many characters a message is truncated before featurisation: intent lives in
# the first lines, and a 5 MB pasted log must not cost more than a normal message.
MAX_CHARS = 2000

WORD_OPTIONS: dict[str, Any] = {
    "analyzer": "word",
    "ngram_range": (1, 2),
    "sublinear_tf": True,
    "strip_accents": "unicode",
    "lowercase": True,
}
CHAR_OPTIONS: dict[str, Any] = {
    "analyzer": "char_wb",
    "ngram_range": (2, 5),
    "sublinear_tf": True,
    "strip_accents": "unicode",
    "lowercase": True,
}


@dataclass(frozen=True)
class Prediction:
    intent: str
    confidence: float
    best_label: str  # the top in-scope label even when the answer is "unknown"
    stage: str = "full"  # "tfidf" when the cascade's first stage decided it


def softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    """Class probabilities from one-vs-rest scores, with an implicit "none of them" option.

    Each one-vs-rest score already says on its own whether the text belongs to its class
    (sign) and how clearly (size). A zero logit for "none" keeps that verdict: when every
    class says no, no class gets a high probability, however they rank among themselves.
    The returned rows therefore sum to less than one; the rest is the "none" mass.
    """
    z = np.concatenate([scores, np.zeros((scores.shape[0], 1), dtype=scores.dtype)], axis=1)
    z = z / temperature
    z = z - z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z[:, :-1]


@dataclass
class IntentModel:
    labels: list[str]
    word_vocab: list[str]
    word_idf: np.ndarray
    char_vocab: list[str]
    char_idf: np.ndarray
    coef: np.ndarray  # (n_features, n_classes), word features first
    intercept: np.ndarray
    temperature: float
    threshold: float
    version: str
    meta: dict[str, Any] = field(default_factory=dict)
    encoder: str = enc.TFIDF
    embedding_weight: float = 0.0
    cascade: Cascade | None = None

    def __post_init__(self) -> None:
        # Prediction never imports scikit-learn (``triage.features``: ~100 MB per process).
        self._word = TfidfFeatures(WORD_OPTIONS, self.word_vocab, self.word_idf)
        self._char = TfidfFeatures(CHAR_OPTIONS, self.char_vocab, self.char_idf)
        # The TF-IDF weights stay as stored (float16 once saved): each text reads only its
        # features' rows, widened to float32 then (exactly: float16 -> float32 loses
        # nothing), so no float32 copy of the whole matrices is held. Measured: the shipped
        # model's two matrices, 23k features x 29 labels, cost 5 MB more as float32 copies.
        self._coef = _weights(self.coef)
        n_sparse = len(self.word_vocab) + len(self.char_vocab)
        self._dense = np.ascontiguousarray(self._coef[n_sparse:], dtype=np.float32)
        self._intercept = np.asarray(self.intercept, dtype=np.float32)
        self._oos_index = self.labels.index(OOS_LABEL) if OOS_LABEL in self.labels else -1
        # Stage one's weights: its own SVM, or (models saved before it) the full weights,
        # of which it reads only the TF-IDF rows.
        stage_coef = None if self.cascade is None else self.cascade.coef
        self._stage_coef = self._coef if stage_coef is None else _weights(stage_coef)
        if stage_coef is not None and self._stage_coef.shape != (n_sparse, len(self.labels)):
            raise ModelError(
                f"stage-one weights of shape {self._stage_coef.shape}, expected "
                f"{(n_sparse, len(self.labels))}"
            )
        # The sentence encoder is only resolved here (cheap: it checks the extra is
        # importable); its weights load on the first prediction.
        self._encoder: enc.SentenceEncoder | None = (
            None if self.encoder == enc.TFIDF else enc.get_encoder(self.encoder)
        )

    @property
    def intents(self) -> list[str]:
        return [lab for lab in self.labels if lab != OOS_LABEL]

    def scores(self, texts: list[str]) -> np.ndarray:
        """Raw linear scores of the full scorer, one row per text, one column per label."""
        clipped = [t[:MAX_CHARS] for t in texts]
        return self._full_scores(clipped, self._tfidf_scores(clipped))

    def _tfidf_scores(self, clipped: list[str]) -> np.ndarray:
        """The full scorer's TF-IDF part, without intercept."""
        return self._sparse_scores(self._sparse_rows(clipped), self._coef)

    def _sparse_rows(self, clipped: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Each text's few non-zero TF-IDF features: (rows of the weights, values)."""
        nw = len(self.word_vocab)
        word, char = self._word, self._char
        prepared = [word.prepare(text) for text in clipped]
        # Both vectorisers lower-case and strip accents: once per text, not twice.
        if char.preparation != word.preparation:
            char_prepared = [char.prepare(text) for text in clipped]
        else:
            char_prepared = prepared
        words = word.weigh([word.counts(text) for text in prepared])
        chars = char.weigh([char.counts(text) for text in char_prepared])
        return [
            (np.concatenate([wcols, ccols + nw]), np.concatenate([wvalues, cvalues]))
            for (wcols, wvalues), (ccols, cvalues) in zip(words, chars, strict=True)
        ]

    def _sparse_scores(
        self, rows: list[tuple[np.ndarray, np.ndarray]], coef: np.ndarray
    ) -> np.ndarray:
        """A sparse product: the features pick their rows of ``coef``.

        The rows of the whole batch are picked and widened to float32 at once; each text's
        product is then its own, the same sum as for a text alone.
        """
        out = np.zeros((len(rows), len(self.labels)), dtype=np.float32)
        if not rows:
            return out
        picked = _rows_as_float32(coef, np.concatenate([cols for cols, _ in rows]))
        start = 0
        for i, (_, values) in enumerate(rows):
            end = start + len(values)
            out[i] = values @ picked[start:end]
            start = end
        return out

    def _full_scores(self, clipped: list[str], tfidf: np.ndarray) -> np.ndarray:
        out = tfidf.copy()
        if self._encoder is not None and clipped:
            emb = self._encoder.encode(clipped) * np.float32(self.embedding_weight)
            out += emb @ self._dense
        return out + self._intercept

    def predict_many(self, texts: list[str], *, cascade: bool = True) -> list[Prediction]:
        """Predictions in order; ``cascade=False`` runs the full scorer on every text (what
        evaluation compares the cascade with)."""
        if not texts:
            return []
        clipped = [t[:MAX_CHARS] for t in texts]
        rows = self._sparse_rows(clipped)
        stage = self.cascade if cascade and self._encoder is not None else None
        if stage is None:
            tfidf = self._sparse_scores(rows, self._coef)
            probs = softmax(self._full_scores(clipped, tfidf), self.temperature)
            return [self._decide(row) for row in probs]
        first = softmax(
            self._sparse_scores(rows, self._stage_coef) + stage.intercept, stage.temperature
        )
        sure = first.max(axis=1) >= stage.threshold
        out: list[Prediction | None] = [
            self._decide(row, stage="tfidf") if ok else None
            for row, ok in zip(first, sure, strict=True)
        ]
        unsure = np.flatnonzero(~sure)
        if len(unsure):
            tfidf = self._sparse_scores([rows[i] for i in unsure], self._coef)
            full = softmax(self._full_scores([clipped[i] for i in unsure], tfidf), self.temperature)
            for i, row in zip(unsure.tolist(), full, strict=True):
                out[i] = self._decide(row)
        return [p for p in out if p is not None]

    def predict(self, text: str) -> Prediction:
        return self.predict_many([text])[0]

    def _decide(self, probs: np.ndarray, stage: str = "full") -> Prediction:
        top = int(probs.argmax())
        in_scope = probs.copy()
        if self._oos_index >= 0:
            in_scope[self._oos_index] = -1.0
        best = int(in_scope.argmax())
        conf = float(probs[best])
        if top == self._oos_index or conf < self.threshold:
            return Prediction(UNKNOWN_INTENT, conf, self.labels[best], stage)
        return Prediction(self.labels[best], conf, self.labels[best], stage)

    # -- persistence -------------------------------------------------------------------

    def save(self, directory: str | Path) -> Path:
        """Write the model into ``directory`` (created); files are replaced atomically."""
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        doc = {
            "format": FORMAT_VERSION if self.encoder == enc.TFIDF else ENCODER_FORMAT_VERSION,
            "version": self.version,
            "encoder": self.encoder,
            "embedding_weight": self.embedding_weight,
            "labels": self.labels,
            "temperature": self.temperature,
            "threshold": self.threshold,
            "word_options": _jsonable(WORD_OPTIONS),
            "char_options": _jsonable(CHAR_OPTIONS),
            "word_vocab": self.word_vocab,
            "char_vocab": self.char_vocab,
            "meta": self.meta,
        }
        if self.cascade is not None:
            doc["cascade"] = {
                "threshold": self.cascade.threshold,
                "temperature": self.cascade.temperature,
                "heldout_share": self.cascade.heldout_share,
            }
        tmp_w = out / (WEIGHTS_FILE + ".tmp.npz")
        arrays: dict[str, np.ndarray] = {
            "word_idf": self.word_idf.astype(np.float32),
            "char_idf": self.char_idf.astype(np.float32),
            "coef": self.coef.astype(np.float16),
            "intercept": self.intercept.astype(np.float32),
        }
        if self.cascade is not None:
            arrays["cascade_intercept"] = self.cascade.intercept.astype(np.float32)
            if self.cascade.coef is not None:
                arrays["cascade_coef"] = self.cascade.coef.astype(np.float16)
        np.savez_compressed(tmp_w, **arrays)  # type: ignore[arg-type]
        tmp_j = out / (MODEL_FILE + ".tmp")
        tmp_j.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")), "utf-8")
        os.replace(tmp_w, out / WEIGHTS_FILE)
        os.replace(tmp_j, out / MODEL_FILE)
        return out

    @classmethod
    def load(cls, directory: str | Path) -> IntentModel:
        src = Path(directory)
        try:
            doc = json.loads((src / MODEL_FILE).read_text("utf-8"))
            weights = np.load(src / WEIGHTS_FILE)
        except FileNotFoundError as exc:
            raise ModelError(f"{src} is not an intent model directory ({exc.filename})") from exc
        if doc.get("format") not in (FORMAT_VERSION, ENCODER_FORMAT_VERSION):
            raise ModelError(f"{src}: unsupported model format {doc.get('format')!r}")
        encoder = str(doc.get("encoder", enc.TFIDF))
        try:
            enc.require(encoder)
        except enc.EncoderUnavailableError as exc:
            raise EncoderMissingError(f"{src}: {exc}") from exc
        return cls(
            labels=list(doc["labels"]),
            word_vocab=list(doc["word_vocab"]),
            word_idf=weights["word_idf"],
            char_vocab=list(doc["char_vocab"]),
            char_idf=weights["char_idf"],
            coef=weights["coef"],
            intercept=weights["intercept"],
            temperature=float(doc["temperature"]),
            threshold=float(doc["threshold"]),
            version=str(doc["version"]),
            meta=dict(doc.get("meta", {})),
            encoder=encoder,
            embedding_weight=float(doc.get("embedding_weight", 0.0)),
            cascade=_load_cascade(doc, weights),
        )


class ModelError(RuntimeError):
    """A model directory is missing, damaged or of an unknown format."""


class EncoderMissingError(ModelError):
    """The model needs a sentence encoder whose optional extra is not installed here."""


def _load_cascade(doc: dict[str, Any], weights: Any) -> Cascade | None:
    spec = doc.get("cascade")
    if not spec or "cascade_intercept" not in weights:
        return None
    coef = weights.get("cascade_coef")
    return Cascade(
        float(spec["threshold"]),
        float(spec["temperature"]),
        np.asarray(weights["cascade_intercept"], dtype=np.float32),
        float(spec.get("heldout_share", 0.0)),
        coef,
    )


# Every float16 value (by its 16 bits) as float32, converted once by NumPy itself: widening
# a batch's weight rows through this table costs half of ``astype``, which converts one value
# at a time (measured: 3,000 rows x 29 labels, 98 us against 180 us).
_HALF_TO_SINGLE = np.arange(1 << 16, dtype=np.uint16).view(np.float16).astype(np.float32)


def _rows_as_float32(coef: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """``coef[cols]`` as float32 (weights are float16 or float32, ``_weights``)."""
    if coef.dtype == np.float16:
        return _HALF_TO_SINGLE.take(np.take(coef.view(np.uint16), cols, axis=0))
    return np.take(coef, cols, axis=0)


def _weights(coef: np.ndarray) -> np.ndarray:
    """Linear weights for prediction: float16 kept as it is, anything else as float32."""
    dtype = np.float16 if coef.dtype == np.float16 else np.float32
    return np.ascontiguousarray(coef, dtype=dtype)


def _jsonable(options: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in options.items()}
