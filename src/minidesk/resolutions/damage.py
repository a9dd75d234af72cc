"""Words that say an item is damaged, in English, Spanish, German, French and Portuguese:
"it arrived broken", "llegó roto", "kam kaputt an", "est arrivé cassé", "chegou quebrado".

About an order the store says was delivered, such a message is a complaint about the item,
not a question about its delivery: the intent model often reads "arrived" as a delivery
question (order_late, order_status), and the reply "delivered on Tuesday" told a customer
holding a broken item what they already knew (held-out replay, issue 11).
"""

from __future__ import annotations

import re
from collections.abc import Collection

# Adjectives with their gender and number ("roto/rota/rotos", "cassé/cassée/cassés"), and the
# past tense that says the same ("it broke", "se rompió", "quebrou"): a flow that saw only
# "roto" and "quebrado" missed "se rompió" and "quebrou", German written without umlauts
# ("beschaedigt") and "defekt", which the English stem "defect" does not reach. A verb that
# also means "left" ("partió", "partiu" of a parcel that set off) counts only reflexively.
DAMAGED = re.compile(
    r"\b(?:"
    # en: broken, broke, damaged, smashed, cracked, shattered, dented, scratched, torn...
    r"brok(?:e|en)|damag\w*|smash\w*|crack\w*|shatter\w*|dented|defect\w*|faulty"
    r"|scratch(?:ed|es)|torn|ripped|crushed|bent"
    # es: roto/rota, se rompió, dañado, quebrado, estropeado, rajado, partido, rayado...
    r"|rot[oa]s?|romp(?:i[oó]|ieron|ido|ida)s?|se parti[oó]|da[ñn]ad\w*|quebr(?:ad\w*|[oó]"
    r"|aron|ou|aram)|estropead\w*|rajad\w*|defectuos\w*|rayad[oa]s?|abollad\w*|rasgad\w*"
    # de: kaputt, beschädigt (beschaedigt), zerbrochen, gebrochen, defekt, zerkratzt
    r"|kaputt\w*|besch(?:[aä]|ae)digt\w*|zerbrochen\w*|gebrochen\w*|zersprungen\w*"
    r"|defekt\w*|zerkratzt\w*|eingedr(?:[uü]|ue)ckt\w*|zerrissen\w*"
    # fr: cassé, abîmé, endommagé, brisé, fêlé, défectueux, rayé, déchiré, cabossé
    r"|cass[eé]\w*|ab[iî]m[eé]\w*|endommag\w*|bris[eé]\w*|f[eê]l[eé]\w*|d[eé]fectueu\w*"
    r"|ray[eé]e?s?|d[eé]chir[eé]\w*|caboss[eé]\w*|fissur[eé]\w*"
    # pt: quebrado, quebrou, danificado, estragado, partido, rachado, amassado, defeituoso
    r"|danificad\w*|estragad\w*|partid[oa]s?|rach(?:ad\w*|ou)|amass(?:ad\w*|ou)"
    r"|defeituos\w*|arranhad\w*|riscad[oa]s?"
    r")\b",
    re.IGNORECASE,
)


def says_damaged(text: str) -> bool:
    return DAMAGED.search(text) is not None


# A sentence's end: a damage word is about an order of its own sentence first.
_SENTENCE_END = re.compile(r"[.?!\n]")


def says_damaged_about(text: str, number: str, numbers: Collection[str]) -> bool:
    """``text`` says the items of order ``number`` are damaged. With other orders of the
    customer's (``numbers``) named, a damage word is about the nearest one before it in its
    sentence, else after it in its sentence, else before it, else after it: "refund $20 on
    10234, it arrived cracked - and where is 10239?" says nothing of 10239, whose answer
    is its tracking. A damage word with no order named is about the order in hand."""
    hits = [hit.start() for hit in DAMAGED.finditer(text)]
    if not hits:
        return False
    named = sorted(
        (found.start(), other)
        for other in set(numbers)
        for found in re.finditer(rf"(?<!\d){re.escape(other)}(?!\d)", text)
    )
    return any(_about(text, named, at) in (number, None) for at in hits)


def _about(text: str, named: list[tuple[int, str]], at: int) -> str | None:
    starts = [end.end() for end in _SENTENCE_END.finditer(text, 0, at)]
    start = starts[-1] if starts else 0
    after = _SENTENCE_END.search(text, at)
    end = after.start() if after else len(text)
    before = [other for position, other in named if position < at]
    later = [other for position, other in named if position > at]
    in_sentence_before = [other for position, other in named if start <= position < at]
    in_sentence_after = [other for position, other in named if at < position < end]
    for candidates, last in (
        (in_sentence_before, True),
        (in_sentence_after, False),
        (before, True),
        (later, False),
    ):
        if candidates:
            return candidates[-1] if last else candidates[0]
    return None
