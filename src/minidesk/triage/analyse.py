"""``analyse()``: everything triage concludes about one inbound message, never raising."""

from __future__ import annotations

import logging

from minidesk.triage.entities import KINDS, extract_entities
from minidesk.triage.flags import find_flags
from minidesk.triage.language import detect_language
from minidesk.triage.priority import infer_priority
from minidesk.triage.registry import registry
from minidesk.triage.result import UNKNOWN_INTENT, TriageResult
from minidesk.triage.sentiment import NEUTRAL, score_sentiment

log = logging.getLogger(__name__)
# Long mails are read up to this many characters: entities and flags live near the top, and
# a pasted log must not make triage slow.
MAX_CHARS = 20_000


def _as_text(value: object) -> str:
    if isinstance(value, str):
        text = value
    elif isinstance(value, bytes | bytearray):
        text = bytes(value).decode("utf-8", errors="replace")
    else:
        text = "" if value is None else str(value)
    # NULs and other C0 controls confuse downstream storage and regexes alike.
    return "".join(ch if ch >= " " or ch in "\n\t" else " " for ch in text[:MAX_CHARS])


def analyse(
    text: str, *, subject: str = "", languages: tuple[str, ...] = ("en", "es", "de", "fr")
) -> TriageResult:
    """Triage one message (subject optional) with the active intent model."""
    body, subj = _as_text(text), _as_text(subject)
    full = f"{subj}\n{body}" if subj else body
    extra: dict[str, object] = {}
    try:
        model = registry.active()
        pred = model.predict(full)
        intent, confidence, version = pred.intent, pred.confidence, model.version
        if pred.intent == UNKNOWN_INTENT:
            extra["best_guess"] = pred.best_label
    except Exception as exc:  # a broken model must not stop mail from being accepted
        log.exception("intent model failed; triaging without it")
        intent, confidence, version = UNKNOWN_INTENT, 0.0, "unavailable"
        extra["model_error"] = type(exc).__name__
    try:
        sentiment, score = score_sentiment(full)
        language = detect_language(full, tuple(languages))
        entities = extract_entities(full)
        hits = find_flags(full)
        priority, reasons = infer_priority(
            intent=intent, sentiment_score=score, flags=hits, text=full
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
