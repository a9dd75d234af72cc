"""Triage's faster paths give what the plain ones give: batch featurisation and scoring,
precomputed n-gram slicers, guarded entity patterns, one fold per message, language counts."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pytest

from minidesk.triage import analyse
from minidesk.triage import entities as ent
from minidesk.triage.features import TfidfFeatures, char_wb_ngrams
from minidesk.triage.flags import HEAD_CHARS, fold
from minidesk.triage.language import _LETTERS, _WORDS, detect_language
from minidesk.triage.model import CHAR_OPTIONS, WORD_OPTIONS, IntentModel
from minidesk.triage.registry import DEFAULT_MODEL_DIR

TEXTS = [
    "Where is my order #1234? It should have arrived by now.",
    "",
    "?!",
    "Où est   ma commande\t#1234 ?\n\nMerci",
    "Straße verbrüht ﬁle ½ ÆØÅ e\u0301te\u0301",
    "I I I I want want a refund, a REFUND " + "x" * 70,
    "Me quemé con el cargador; QUEMADURA grave, pedido 4411",
    "thanks, but where is my refund of $24.00 for order ORD-1234?",
]


@pytest.fixture(scope="module")
def model() -> IntentModel:
    return IntentModel.load(DEFAULT_MODEL_DIR)


def _plain_char_wb(text: str, low: int, high: int) -> list[str]:
    # scikit-learn's _char_wb_ngrams, as it reads.
    out = []
    for word in re.sub(r"\s\s+", " ", text).split():
        padded = f" {word} "
        for n in range(low, high + 1):
            offset = 0
            out.append(padded[offset : offset + n])
            while offset + n < len(padded):
                offset += 1
                out.append(padded[offset : offset + n])
            if offset == 0:
                break
    return out


@pytest.mark.parametrize("low, high", [(2, 5), (1, 3), (3, 3), (3, 5), (1, 1)])
def test_char_ngrams_come_in_scikit_learns_order_for_every_word_length(low: int, high: int) -> None:
    words = " ".join("abcdefghijklmnopqrstuvwxyz0123456789abcdefgh"[:n] for n in range(1, 45))
    for text in [words, *TEXTS]:
        assert char_wb_ngrams(text, low, high) == _plain_char_wb(text, low, high)


@pytest.mark.parametrize("kind", ["word", "char"])
def test_a_batch_weighs_each_text_as_it_would_alone(model: IntentModel, kind: str) -> None:
    options, vocab, idf = (
        (WORD_OPTIONS, model.word_vocab, model.word_idf)
        if kind == "word"
        else (CHAR_OPTIONS, model.char_vocab, model.char_idf)
    )
    features = TfidfFeatures(options, vocab, idf)
    batch = features.weigh([features.counts(features.prepare(t)) for t in TEXTS])
    for text, (cols, values) in zip(TEXTS, batch, strict=True):
        alone_cols, alone_values = features.transform(text)
        assert cols.tobytes() == alone_cols.tobytes(), text
        assert values.tobytes() == alone_values.tobytes(), text  # bit for bit
    assert len(batch[1][0]) == 0  # no features: an empty row, not NaNs


def test_a_batchs_scores_are_each_texts_own_product(model: IntentModel) -> None:
    rows = model._sparse_rows(TEXTS)
    for coef in (model._coef, model._coef.astype(np.float32)):
        got = model._sparse_scores(rows, coef)
        for i, (cols, values) in enumerate(rows):
            alone = values @ coef[cols].astype(np.float32)
            assert got[i].tobytes() == alone.tobytes()
    assert model._coef.dtype == np.float16  # the table path was the one exercised


def _unguarded(pattern: re.Pattern[str], guard: str) -> re.Pattern[str]:
    assert pattern.pattern.startswith(guard + "(?:") and pattern.pattern.endswith(")")
    return re.compile(pattern.pattern[len(guard) + 3 : -1], pattern.flags)


ENTITY_TEXTS = [
    *TEXTS,
    "Paid US$ 12, c$5, r$ 1.234,50, 15 usd, EUR 20, \u017fek 300, 3 dkK and 9 Bucks on 12/03/2024",
    "on the 14th, am 3., el día 5, Saturday the 14th, 12 mars 2024, März 3rd, today@x.io",
    "BUS$5 x1999$ 2024-01-31 sábado 14 TOMORROW\u212a 7 \u017feptember",
]


@pytest.mark.parametrize(
    "pattern, guard",
    [
        (ent._DATE, r"(?<!\w)(?=\w)"),
        (ent._AMOUNT, rf"(?=\d|{ent._SYMBOL}|\b(?:{ent._CODES}))"),
    ],
)
def test_the_guarded_entity_patterns_find_what_their_alternatives_find(
    pattern: re.Pattern[str], guard: str
) -> None:
    plain = _unguarded(pattern, guard)
    for text in ENTITY_TEXTS + [t.upper() for t in ENTITY_TEXTS]:
        found = [(m.span(), m.groups()) for m in pattern.finditer(text)]
        assert found == [(m.span(), m.groups()) for m in plain.finditer(text)], text


def test_a_text_without_digits_still_has_its_emails_and_day_words() -> None:
    found = ent.extract_entities("write to today@example.com, or see you tomorrow")
    assert found[ent.EMAILS] == ["today@example.com"]
    assert found[ent.DATES] == ["tomorrow"]  # "today" is inside the address
    assert not any(found[k] for k in ent.KINDS if k not in (ent.EMAILS, ent.DATES))


def _plain_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", stripped.replace("ß", "ss"))


def test_the_ascii_fold_is_the_general_one() -> None:
    ascii_text = "".join(map(chr, range(128))) + " Hello  WORLD\t\x0b\x0c\x1c\x1d\x1e\x1f end "
    for text in [ascii_text, *TEXTS]:
        assert fold(text) == _plain_fold(text)


def _plain_language(text: str, languages: tuple[str, ...]) -> str:
    if not languages:
        return "und"
    sample = text[:2000].lower()
    tokens = re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", sample)
    best, best_score = languages[0], 0.0
    for lang in languages:
        words = _WORDS.get(lang)
        if words is None:
            continue
        score = float(sum(1 for t in tokens if t in words))
        score += sum(sample.count(ch) for ch in _LETTERS.get(lang, ""))
        if score > best_score:
            best, best_score = lang, score
    return best


@pytest.mark.parametrize(
    "languages", [("en", "es", "de", "fr", "pt"), ("nl", "it", "en"), ("xx", "nl"), ("pt",), ()]
)
def test_language_counts_are_the_per_language_ones(languages: tuple[str, ...]) -> None:
    texts = [*TEXTS, "ik wil mijn bestelling", "il mio ordine è arrivato", "ijs ijs", "la la la"]
    for text in texts:
        assert detect_language(text, languages) == _plain_language(text, languages), text


def test_sentiment_and_priority_read_only_the_head_of_a_long_message() -> None:
    text = "ok " * (HEAD_CHARS // 3) + "terrible, urgent, lawyer"
    result = analyse(text)
    assert result.sentiment == "neutral" and result.sentiment_score == 0.0
    assert "legal" in result.flags  # flags read the whole message
    assert not any("urgent" in reason for reason in result.priority_reasons)
