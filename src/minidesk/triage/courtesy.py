"""A request that follows a courtesy: "thanks, but my order still hasn't arrived".

The default model learns thank-yous as out-of-scope (``triage.negatives``), so a message
that opens with one can be pulled to ``unknown`` by its first words, though the rest is an
ordinary request. ``after_courtesy`` returns that rest; triage reads it on its own when the
whole message was read as no request (``analyse``). A thank-you with nothing after it, or
with praise or news after it ("thanks, great service"), stays out of scope.
"""

from __future__ import annotations

import re

# The courtesy itself, per language (en es de fr pt), with what commonly follows it
# ("for the quick reply", "again", "so much"). Only at the start of the message.
_THANKS = (
    r"(?:many\s+|a\s+lot\s+of\s+)?thanks?(?:\s+you)?|thx|ty|cheers|much\s+appreciated"
    r"|(?:muchas\s+)?gracias|(?:vielen\s+)?dank(?:e)?(?:\s+(?:schön|sehr))?"
    r"|merci(?:\s+(?:beaucoup|bien))?|(?:muito\s+)?obrigad[oa]"
)
# What may follow the courtesy before its clause ends: a few words, no sentence break.
_TAIL = r"(?:[ \t]+[^\n,.!?;:]{0,60})?"
_BREAK = r"\s*(?:[,.!?;:]+|\s[-\u2013\u2014]+)\s*"  # dashes: en, em
# A contrast that opens the request: "but", "pero", "aber", "mais", "mas"...
_BUT = r"(?:but|however|though|pero|aunque|sin\s+embargo|aber|doch|jedoch|mais|cependant"
_BUT += r"|mas|porém|contudo)\b[\s,]*"
_OPENING = re.compile(rf"^\s*(?:{_THANKS}){_TAIL}{_BREAK}(?P<but>{_BUT})?", re.IGNORECASE)
# Fewer words than this after the courtesy are no request of their own ("thanks, bye").
MIN_WORDS = 3


def after_courtesy(text: str) -> str | None:
    """What follows an opening courtesy when it reads as a request: opened by a contrast
    ("thanks, but ...") or asking a question, and long enough; else None. A statement after
    thanks ("thanks, the parcel arrived today") is news, not a request: read whole, the
    thanks keeps it out of scope, where the model alone would read a parcel's arrival as a
    parcel question."""
    found = _OPENING.match(text)
    if found is None:
        return None
    rest = text[found.end():].strip()
    if len(rest.split()) < MIN_WORDS or not (found.group("but") or "?" in rest):
        return None
    return rest
