"""Priority P1-P4 with the reasons an agent reads on the timeline.

P1: legal or health-and-safety words (POLICIES.md: they override everything).
P2: a very unhappy customer, an explicit "urgent", or a time-sensitive intent said angrily.
P4: an informational question asked calmly. P3: everything else.
"""

from __future__ import annotations

import re

from minidesk.triage.flags import HEAD_CHARS, HEALTH_SAFETY, HUMAN_PLEASE, LEGAL, FlagHit, fold
from minidesk.triage.taxonomy import INFORMATIONAL, TIME_SENSITIVE

P1, P2, P3, P4 = "P1", "P2", "P3", "P4"
VERY_NEGATIVE = -0.6
NEGATIVE = -0.3
_URGENT = re.compile(
    r"(?<!\w)(?:urgent|urgently|asap|immediately|right now|emergency|urgente|urgencia|"
    r"inmediatamente|dringend|sofort|eilig|tout de suite|immediatement|au plus vite)(?!\w)"
)
_FLAG_WORDS = {LEGAL: "legal", HEALTH_SAFETY: "health and safety"}


def infer_priority(
    *,
    intent: str,
    sentiment_score: float,
    flags: list[FlagHit],
    text: str,
    folded_head: str | None = None,
) -> tuple[str, list[str]]:
    """(priority, reasons) for one message; ``folded_head`` is ``fold(text[:HEAD_CHARS])``
    when the caller has it already."""
    mood = f"sentiment {sentiment_score:+.2f}"
    strong = [h for h in flags if h.flag in _FLAG_WORDS]
    if strong:
        words = " and ".join(f"'{h.word}' ({_FLAG_WORDS[h.flag]})" for h in strong)
        reasons = [f"P1: contains {words} and {mood}."]
        if any(h.flag == HEALTH_SAFETY for h in strong):
            reasons.append("Health and safety words start the product-quality-incident path.")
        return P1, reasons + _human_reason(flags)
    if folded_head is None:
        folded_head = fold(text[:HEAD_CHARS])
    urgent = _URGENT.search(folded_head)
    if sentiment_score <= VERY_NEGATIVE:
        return P2, [f"P2: the customer is very unhappy ({mood}).", *_human_reason(flags)]
    if urgent:
        return P2, [f"P2: contains '{urgent.group(0)}' ({mood}).", *_human_reason(flags)]
    if intent in TIME_SENSITIVE and sentiment_score <= NEGATIVE:
        return P2, [f"P2: '{intent}' is time-sensitive and {mood}.", *_human_reason(flags)]
    if intent in INFORMATIONAL and sentiment_score > NEGATIVE and not flags:
        return P4, [f"P4: '{intent}' is an informational question and {mood}."]
    return P3, [f"P3: intent '{intent}', {mood}, no urgent or policy words.", *_human_reason(flags)]


def _human_reason(flags: list[FlagHit]) -> list[str]:
    for h in flags:
        if h.flag == HUMAN_PLEASE:
            return [f"The customer asks for a person ('{h.word}'): hand off."]
    return []
