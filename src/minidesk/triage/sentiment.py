"""Sentiment from a small shipped lexicon, with negation and intensifiers.

Honest limits: a word list does not understand sarcasm ("great, another week of waiting"),
domain irony or long arguments; it reads polarity words in en/es/de/fr and flips those that
follow a negation within three words. It is good enough to push an angry message up the
queue, which is all priority needs, and it never needs a download. The score is in [-1, 1].
"""

from __future__ import annotations

import math
import re

from minidesk.triage.flags import HEAD_CHARS, fold

NEGATIVE = "negative"
NEUTRAL = "neutral"
POSITIVE = "positive"

def _wordset(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


_POS = {
    2: "excellent amazing awesome fantastic perfect love loved wonderful outstanding superb "
       "brilliant excelente perfecto encanta encantado maravilloso genial ausgezeichnet "
       "perfekt wunderbar toll super hervorragend parfait excellent genial merveilleux "
       "formidable adore",
    1: "good great nice happy glad thanks thank appreciate appreciated helpful quick fast "
       "pleased satisfied works worked fine resolved easy kind bueno buena gracias feliz "
       "rapido contento satisfecho gut danke schnell zufrieden freundlich hilfreich bien "
       "bon bonne merci rapide content satisfait aimable",
}
_NEG = {
    2: "terrible horrible awful worst disgusting furious outrageous unacceptable scam fraud "
       "useless pathetic ridiculous disgrace hate angry livid nightmare stolen "
       "pesimo pesima horrible estafa fraude inaceptable enfadado furioso asco "
       "schrecklich furchtbar betrug unverschamt wutend katastrophe inakzeptabel "
       "nul nulle arnaque inadmissible furieux honteux scandaleux inacceptable",
    1: "bad poor slow late broken damaged wrong missing never problem issue disappointed "
       "annoyed upset frustrated frustrating unhappy delay delayed waiting lost defective "
       "cancel complaint refund not_received error failed fail rude malo mala roto "
       "tarde problema decepcionado molesto perdido defectuoso schlecht kaputt spat "
       "problem enttauscht verargert verloren defekt fehler mauvais casse retard probleme "
       "decu fache perdu defectueux erreur",
}
_INTENSIFIERS = _wordset(
    "very really so extremely totally completely absolutely super muy totalmente "
    "sehr total vollig tres vraiment completement"
)
_NEGATORS = _wordset(
    "not no never don't doesn't didn't isn't wasn't aren't won't can't cannot nothing "
    "hardly nunca tampoco nicht kein keine keinen nie ne pas jamais sans"
)
_LEXICON: dict[str, float] = {}
for _weight, _words in _POS.items():
    _LEXICON.update(dict.fromkeys(_words.split(), float(_weight)))
for _weight, _words in _NEG.items():
    _LEXICON.update(dict.fromkeys(_words.split(), -float(_weight)))
# Words that are neutral in support talk even though a general lexicon scores them:
# "refund" and "cancel" are requests, not feelings.
for _neutral in ("refund", "cancel", "issue", "problem", "problema", "probleme"):
    _LEXICON[_neutral] = _LEXICON.get(_neutral, 0.0) * 0.5
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?")
NEUTRAL_BAND = 0.15


def score_sentiment(text: str, *, folded_head: str | None = None) -> tuple[str, float]:
    """(label, score in [-1, 1]) for ``text``; ``folded_head`` is ``fold(text[:HEAD_CHARS])``
    when the caller has it already."""
    if folded_head is None:
        folded_head = fold(text[:HEAD_CHARS])
    tokens = _TOKEN.findall(folded_head)
    total, hits = 0.0, 0
    negate_left = 0
    boost = 1.0
    for tok in tokens:
        if tok in _NEGATORS:
            negate_left = 3
            continue
        if tok in _INTENSIFIERS:
            boost = 1.5
            continue
        value = _LEXICON.get(tok)
        if value:
            # Negated praise is complaint ("not good"); negated complaint is only mildly
            # positive ("not bad"), so the flip is damped.
            if negate_left:
                value = -value * (1.0 if value > 0 else 0.5)
            total += value * boost
            hits += 1
        boost = 1.0
        negate_left = max(0, negate_left - 1)
    exclaims = min(text.count("!"), 3)
    if total < 0 and exclaims:
        total -= 0.5 * exclaims
    if hits == 0:
        return NEUTRAL, 0.0
    # Squash the sum so that one strong word is about ±0.6 and more words approach ±1.
    score = math.tanh(total / 2.5)
    label = NEUTRAL if abs(score) < NEUTRAL_BAND else (POSITIVE if score > 0 else NEGATIVE)
    return label, round(score, 3)
