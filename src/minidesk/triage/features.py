"""TF-IDF features of a stored vocabulary, computed without scikit-learn.

Training fits scikit-learn's ``TfidfVectorizer`` (``triage.train``); prediction only needs
its ``transform`` for a fixed vocabulary and IDF, which is a few dozen lines. Importing
scikit-learn costs a process about 100 MB of resident memory (scikit-learn, SciPy and their
compiled modules; measured: 25 MB after ``import numpy``, 150 MB after
``import sklearn.feature_extraction.text``), which is most of the web process's budget, so the
serving path reproduces the transform here instead. ``tests/triage/test_triage_features.py``
holds it equal to scikit-learn's on the same options, vocabulary and IDF.

Only the options minidesk models use are supported (``WORD_OPTIONS`` and ``CHAR_OPTIONS`` in
``triage.model``): word or ``char_wb`` n-grams, lower-casing, Unicode accent stripping,
sub-linear term frequency, L2 norm; anything else is refused by name rather than computed
differently.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

# scikit-learn's defaults for the options minidesk does not set.
TOKEN_PATTERN = re.compile(r"(?u)\b\w\w+\b")
WHITE_SPACES = re.compile(r"\s\s+")
SUPPORTED = {"analyzer", "ngram_range", "sublinear_tf", "strip_accents", "lowercase"}
ANALYZERS = ("word", "char_wb")


class FeatureOptionsError(ValueError):
    """The model's TF-IDF options ask for something this transform does not reproduce."""


def strip_accents(text: str) -> str:
    """Letters without their combining marks ("quemé" -> "queme"), as scikit-learn's
    ``strip_accents="unicode"``."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))


def word_ngrams(text: str, low: int, high: int) -> list[str]:
    tokens = TOKEN_PATTERN.findall(text)
    out = list(tokens) if low == 1 else []
    for n in range(max(low, 2), min(high, len(tokens)) + 1):
        out.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
    return out


def char_wb_ngrams(text: str, low: int, high: int) -> list[str]:
    """Character n-grams inside space-padded words; a word shorter than n counts once."""
    out: list[str] = []
    for word in WHITE_SPACES.sub(" ", text).split():
        padded = f" {word} "
        size = len(padded)
        for n in range(low, high + 1):
            out.append(padded[:n])
            if size <= n:  # the whole padded word is this n-gram; longer n add nothing
                break
            out.extend(padded[i:i + n] for i in range(1, size - n + 1))
    return out


class TfidfFeatures:
    """One vectorizer's ``transform`` for one text: (column indices, L2-normalised values)."""

    def __init__(self, options: Mapping[str, Any], vocabulary: Sequence[str],
                 idf: np.ndarray) -> None:
        unknown = set(options) - SUPPORTED
        if unknown:
            raise FeatureOptionsError(f"unsupported TF-IDF options: {sorted(unknown)}")
        if options.get("analyzer") not in ANALYZERS:
            raise FeatureOptionsError(
                f"unsupported analyzer {options.get('analyzer')!r}; one of {ANALYZERS}")
        if options.get("strip_accents") not in (None, "unicode"):
            raise FeatureOptionsError(
                f"unsupported strip_accents {options.get('strip_accents')!r}")
        if len(vocabulary) != len(idf):
            raise FeatureOptionsError(
                f"{len(vocabulary)} vocabulary terms but {len(idf)} IDF weights")
        low, high = (int(n) for n in options["ngram_range"])
        self._range = (low, high)
        self._ngrams = word_ngrams if options["analyzer"] == "word" else char_wb_ngrams
        self._lower = bool(options.get("lowercase", True))
        self._strip = options.get("strip_accents") == "unicode"
        self._sublinear = bool(options.get("sublinear_tf", False))
        self._index = {term: i for i, term in enumerate(vocabulary)}
        self._idf = np.asarray(idf, dtype=np.float32)

    def terms(self, text: str) -> list[str]:
        if self._lower:
            text = text.lower()
        if self._strip:
            text = strip_accents(text)
        return self._ngrams(text, *self._range)

    def transform(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        counts: dict[int, int] = {}
        index = self._index
        for term in self.terms(text):
            col = index.get(term)
            if col is not None:
                counts[col] = counts.get(col, 0) + 1
        cols = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        values = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        if self._sublinear:
            values = np.log(values) + np.float32(1.0)
        values *= self._idf[cols]
        norm = float(np.sqrt(values @ values))
        if norm > 0:
            values /= np.float32(norm)
        return cols, values
