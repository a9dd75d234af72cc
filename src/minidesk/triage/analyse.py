"""``analyse()``: everything triage concludes about one inbound message, never raising."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from minidesk.triage.courtesy import after_courtesy
from minidesk.triage.entities import KINDS, extract_entities
from minidesk.triage.flags import HEAD_CHARS, find_flags, fold
from minidesk.triage.language import detect_language
from minidesk.triage.model import IntentModel, Prediction
from minidesk.triage.priority import infer_priority
from minidesk.triage.registry import registry
from minidesk.triage.result import UNKNOWN_INTENT, TriageResult
from minidesk.triage.sentiment import NEUTRAL, score_sentiment

log = logging.getLogger(__name__)
# Long mails are read up to this many characters: entities and flags live near the top, and
# a pasted log must not make triage slow.
MAX_CHARS = 20_000
LANGUAGES = ("en", "es", "de", "fr", "pt")
WARM_UP_TEXT = "Hi, where is my order #1001? I ordered it last week."


def _as_text(value: object) -> str:
    if isinstance(value, str):
        text = value
    elif isinstance(value, bytes | bytearray):
        text = bytes(value).decode("utf-8", errors="replace")
    else:
        text = "" if value is None else str(value)
    # NULs and other C0 controls confuse downstream storage and regexes alike.
    return text[:MAX_CHARS].translate(_CONTROLS)


_CONTROLS = {code: " " for code in range(0x20) if chr(code) not in "\n\t"}


def warm_up() -> None:
    """Load the live intent model and its sentence encoder now, not in the first batch.

    A process that runs the pipeline calls this at start-up, before ``gc.freeze()``: the
    model's vocabularies are some 300,000 long-lived objects, and loaded after the freeze
    they stay in the collector's full passes, each then a ~150 ms stall of every thread
    (measured on the default model), which is what a p99 under 100 ms cannot absorb.
    """
    registry.active().predict_many([WARM_UP_TEXT], cascade=False)  # encoder weights too
    analyse(WARM_UP_TEXT)  # and the rules' regexes


def analyse(
    text: str, *, subject: str = "", languages: tuple[str, ...] = LANGUAGES
) -> TriageResult:
    """Triage one message (subject optional) with the active intent model."""
    return analyse_many([(text, subject)], languages=languages)[0]


def analyse_many(
    messages: Sequence[tuple[str, str]], *, languages: tuple[str, ...] = LANGUAGES
) -> list[TriageResult]:
    """Triage ``(text, subject)`` pairs; one model call for all of them.

    The vectorisers and the linear model cost little per row but much per call (input
    validation, sparse set-up), so a batch of 50 costs a fraction of 50 single calls.
    """
    fulls = []
    for text, subject in messages:
        body, subj = _as_text(text), _as_text(subject)
        fulls.append(f"{subj}\n{body}" if subj else body)
    if not fulls:
        return []
    return [
        _conclude(full, prediction, languages)
        for full, prediction in zip(fulls, _predict(fulls), strict=True)
    ]


_Prediction = tuple[str, float, str, dict[str, object]]


def _predict(fulls: list[str]) -> list[_Prediction]:
    """(intent, confidence, model version, extra) per text; a broken model degrades to
    "unknown" rather than stopping mail from being accepted."""
    try:
        model = registry.active()
        predictions = model.predict_many(fulls)
        predictions = _read_after_courtesy(model, fulls, predictions)
    except Exception as exc:
        log.exception("intent model failed; triaging without it")
        failed: dict[str, object] = {"model_error": type(exc).__name__}
        return [(UNKNOWN_INTENT, 0.0, "unavailable", dict(failed)) for _ in fulls]
    return [
        (
            pred.intent,
            pred.confidence,
            model.version,
            {"best_guess": pred.best_label} if pred.intent == UNKNOWN_INTENT else {},
        )
        for pred in predictions
    ]


def _read_after_courtesy(
    model: IntentModel, fulls: list[str], predictions: list[Prediction]
) -> list[Prediction]:
    """A message read as no request that opens with a courtesy ("thanks, but ...") is read
    again without it (``triage.courtesy``): its request, when the model finds one there."""
    rests = {
        i: rest
        for i, (full, pred) in enumerate(zip(fulls, predictions, strict=True))
        if pred.intent == UNKNOWN_INTENT and (rest := after_courtesy(full)) is not None
    }
    if not rests:
        return predictions
    again = dict(zip(rests, model.predict_many(list(rests.values())), strict=True))
    return [
        again[i] if i in again and again[i].intent != UNKNOWN_INTENT else pred
        for i, pred in enumerate(predictions)
    ]


def _conclude(full: str, prediction: _Prediction, languages: tuple[str, ...]) -> TriageResult:
    intent, confidence, version, extra = prediction
    try:
        # Folded (lower-cased, accents stripped) once for the rules that read it so.
        folded = fold(full)
        head = folded if len(full) <= HEAD_CHARS else fold(full[:HEAD_CHARS])
        sentiment, score = score_sentiment(full, folded_head=head)
        language = detect_language(full, tuple(languages))
        entities = extract_entities(full)
        hits = find_flags(full, folded=folded)
        priority, reasons = infer_priority(
            intent=intent, sentiment_score=score, flags=hits, text=full, folded_head=head
        )
    except Exception as exc:  # pragma: no cover - belt and braces for "never raises"
        log.exception("triage rules failed")
        sentiment, score, language = NEUTRAL, 0.0, languages[0] if languages else "und"
        entities, hits = {k: [] for k in KINDS}, []
        priority, reasons = "P3", ["P3: triage rules failed; default priority."]
        extra["rules_error"] = type(exc).__name__
    if hits:
        extra["flag_words"] = {h.flag: h.word for h in hits}
    return TriageResult(
        intent=intent,
        intent_confidence=round(float(confidence), 4),
        sentiment=sentiment,
        sentiment_score=score,
        language=language,
        entities=entities,
        priority=priority,
        priority_reasons=reasons,
        flags=frozenset(h.flag for h in hits),
        model_version=version,
        extra=extra,
    )
