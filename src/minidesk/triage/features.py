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
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from itertools import accumulate, chain, pairwise
from operator import itemgetter
from typing import Any, cast

import numpy as np

# scikit-learn's defaults for the options minidesk does not set.
TOKEN_PATTERN = re.compile(r"(?u)\b\w\w+\b")
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
    """Character n-grams inside space-padded words; a word shorter than n counts once.

    In scikit-learn's order (word by word, shortest n first), which fixes the order of the
    float sums downstream. ``str.split()`` splits on the same whitespace runs that
    scikit-learn first squeezes to one space (``\\s\\s+``), so it needs no squeeze here.
    """
    out: list[str] = []
    for word in text.split():
        padded = f" {word} "
        size = len(padded)
        if size <= _SLICED_SIZES:
            out.extend(_wb_slicer(size, low, high)(padded))
            continue
        for n in range(low, high + 1):
            if size <= n:  # the whole padded word is this n-gram; longer n add nothing
                out.append(padded)
                break
            out.extend([padded[i:i + n] for i in range(size - n + 1)])
    return out


# Padded words up to this length (nearly all) are cut by one precomputed ``itemgetter`` of
# slices, in C, instead of a Python loop per n: the character n-grams were most of the cost
# of featurising a message.
_SLICED_SIZES = 32


@cache
def _wb_slicer(size: int, low: int, high: int) -> Callable[[str], tuple[str, ...]]:
    """All ``char_wb`` n-grams of one padded word of ``size`` characters, in order."""
    spans = []
    for n in range(low, high + 1):
        if size <= n:
            spans.append(slice(0, size))
            break
        spans.extend(slice(i, i + n) for i in range(size - n + 1))
    if len(spans) == 1:  # itemgetter of one item returns the item, not a 1-tuple
        only = spans[0]
        return lambda padded: (padded[only],)
    return itemgetter(*spans)


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

    @property
    def preparation(self) -> tuple[bool, bool]:
        """What ``prepare`` does to a text: two vectorisers with the same preparation can
        share one prepared text (the model's word and character features do)."""
        return self._lower, self._strip

    def prepare(self, text: str) -> str:
        """The text as its n-grams are taken from: lower-cased, accents stripped."""
        if self._lower:
            text = text.lower()
        if self._strip:
            text = strip_accents(text)
        return text

    def terms(self, text: str) -> list[str]:
        return self._ngrams(self.prepare(text), *self._range)

    def counts(self, prepared: str) -> Counter[int]:
        """How often each vocabulary column occurs in a prepared text, first seen first."""
        # Counted in C (map + Counter) rather than by a Python loop per n-gram; a Counter
        # keeps first-seen order, so the columns, and with them the order of every float sum
        # downstream, are those of the loop.
        counts = Counter(map(self._index.get, self._ngrams(prepared, *self._range)))
        counts.pop(None, None)  # n-grams outside the vocabulary
        return cast("Counter[int]", counts)

    def weigh(self, counts: Sequence[Mapping[int, int]]) -> list[tuple[np.ndarray, np.ndarray]]:
        """The TF-IDF rows (column indices, L2-normalised values) of many texts' ``counts``.

        The element-wise steps run once over the whole batch; only each row's norm is a
        separate dot product, the same one as for a single text, so a row's values do not
        depend on the batch it came in.
        """
        sizes = [len(c) for c in counts]
        total = sum(sizes)
        cols = np.fromiter(chain.from_iterable(counts), dtype=np.int64, count=total)
        values = np.fromiter(chain.from_iterable(c.values() for c in counts),
                             dtype=np.float32, count=total)
        if self._sublinear:
            values = np.log(values) + np.float32(1.0)
        values *= self._idf[cols]
        bounds = list(accumulate(sizes, initial=0))
        spans = list(pairwise(bounds))
        norms = np.sqrt(np.array([values[a:b] @ values[a:b] for a, b in spans],
                                 dtype=np.float32))
        norms[norms == 0] = 1  # a row without features stays all zero
        values /= np.repeat(norms, sizes)
        return [(cols[a:b], values[a:b]) for a, b in spans]

    def transform(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        return self.weigh([self.counts(self.prepare(text))])[0]
