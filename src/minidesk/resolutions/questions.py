"""Messages that ask ABOUT a refund rather than FOR one: where an existing refund is, or what
the refund policy says.

Both name the refund in so many words ("where's my refund?", "in which cases can I ask for a
refund?") and neither asks for money to move. Read as a request they went down the refund
flow: an offer of the order's balance, a senior manager asked to approve a refund nobody
asked for, and money moved when the customer typed the token the offer named (Bitext
``track_refund`` / ``check_refund_policy``, December 2026). So a refund is offered only when
the message asks for one (``DEMAND``) and asks nothing about one (``STATUS``, ``POLICY``);
the questions themselves are answered from the knowledge base or by a person.
"""

from __future__ import annotations

import re

from minidesk.triage import taxonomy


def _words(*patterns: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")", re.IGNORECASE)


# The money itself, in English, Spanish, German, French and Portuguese.
_MONEY = (
    r"(?:refund|reimburs|money|reembols|devoluci[oó]n del dinero|dinero|erstatt|geld"
    r"|rembours|estorno|dinheiro)"
)
# An amount of money as customers write it: "$15", "12,50 €", "15 dólares", "20 reais".
AMOUNT = (
    r"(?:[$€£]\s?\d+(?:[.,]\d+)?|\d+(?:[.,]\d+)?\s?"
    r"(?:[$€£]|d[oó]lar(?:es)?\b|dollars?\b|euros?\b|pesos\b|reais\b|pounds\b|libras\b))"
)
# A verb then, within three words, an amount: "que me devuelvan 15 dólares", "devolver-me 20
# reais", "me rendre 15 euros". With an amount these verbs give money back, not an item
# (``NOT_MONEY`` keeps the same verbs, for a return, to items).
_WITHIN_THREE_WORDS = r"(?:[\s-]+[^\s\d$€£]+){0,3}[\s-]+"
GIVE_BACK = r"(?:devu[eé]lv|devolv|rend)\w*" + _WITHIN_THREE_WORDS + AMOUNT
NOT_MONEY = r"(?!\w*" + _WITHIN_THREE_WORDS + AMOUNT + ")"
# Where a refund already asked for (or promised) has got to.
STATUS = _words(
    # en
    rf"(?:status|track\w*|progress|update|news|anything new|something new)\b.{{0,25}}{_MONEY}",
    rf"{_MONEY}\w*\s+(?:status|tracking|progress)",
    rf"where(?:'?s| is| are)\s+(?:my |the |our )?{_MONEY}",
    rf"{_MONEY}\w*\s+(?:has|have|was|is)(?:n'?t| not)?\s+(?:been |yet )?"
    r"(?:processed|issued|sent|approved|done|gone through|completed|arrived|received|showing|"
    r"shown|appeared|credited)",
    rf"(?:has|have|was|is|been)\b.{{0,25}}{_MONEY}\w*\s+(?:been\s+)?(?:processed|issued|sent|"
    r"approved|credited)",
    rf"(?:haven'?t|have not|didn'?t|did not|not yet|never|still not|still haven'?t)\s+"
    rf"(?:got|gotten|received|seen)\b.{{0,20}}{_MONEY}",
    rf"(?:waiting|wating|waited|expect\w*)\s+(?:for\s+)?(?:a |an |my |the )?{_MONEY}",
    rf"when (?:will|do|does|can|would|should) (?:i|we|it)\b.{{0,20}}{_MONEY}",
    # es
    rf"(?:d[oó]nde est[aá]|estado|seguimiento)\b.{{0,25}}{_MONEY}",
    rf"(?:no (?:he|me han?) (?:recibido|llegado)|todav[ií]a no|a[uú]n no|sigo esperando|"
    rf"espero)\b.{{0,30}}{_MONEY}",
    rf"{_MONEY}\w*.{{0,30}}(?:no (?:ha|me ha) llegado|todav[ií]a no|a[uú]n no)",
    rf"cu[aá]ndo\b.{{0,30}}{_MONEY}",
    # de
    rf"(?:wo (?:ist|bleibt)|status|stand)\b.{{0,25}}{_MONEY}",
    rf"{_MONEY}\w*.{{0,30}}(?:noch nicht|immer noch nicht|nicht angekommen|nicht erhalten)",
    rf"(?:noch nicht|immer noch nicht|warte\w*)\b.{{0,30}}{_MONEY}",
    rf"wann\b.{{0,30}}{_MONEY}",
    # fr
    rf"(?:o[uù] en est|o[uù] est|statut|suivi)\b.{{0,25}}{_MONEY}",
    rf"{_MONEY}\w*.{{0,30}}(?:pas (?:encore )?re[çc]u|toujours pas|pas arriv)",
    rf"(?:pas (?:encore )?re[çc]u|toujours pas re[çc]u|j'attends|attends toujours)\b"
    rf".{{0,30}}{_MONEY}",
    rf"quand\b.{{0,30}}{_MONEY}",
    # pt
    rf"(?:onde est[aá]|status|acompanhar)\b.{{0,25}}{_MONEY}",
    rf"(?:ainda n[aã]o (?:recebi|caiu|chegou)|n[aã]o recebi|aguardando|esperando)\b"
    rf".{{0,30}}{_MONEY}",
    rf"{_MONEY}\w*.{{0,30}}(?:ainda n[aã]o|n[aã]o caiu|n[aã]o chegou)",
    rf"quando\b.{{0,30}}{_MONEY}",
)
# What the rules are: when a refund is possible, how long one takes.
POLICY = _words(
    # en
    r"polic(?:y|ies)",
    r"guarantee",
    r"(?:in|under) (?:what|which) (?:cases?|circumstances|situations?|conditions)",
    rf"how long\b.{{0,30}}{_MONEY}",
    rf"{_MONEY}\w*.{{0,30}}how long",
    r"refundable",
    r"eligible",
    rf"{_MONEY}\w*\s+if\b",
    r"do you (?:offer|give|do|accept) (?:refunds|returns)",
    # es
    r"pol[ií]tica",
    r"en qu[eé] casos",
    rf"cu[aá]nto (?:tiempo )?tarda\w*.{{0,20}}{_MONEY}",
    r"reembolsable",
    # de
    r"richtlinie",
    r"bedingungen",
    r"in welchen f[aä]llen",
    rf"wie lange dauer\w*.{{0,30}}{_MONEY}",
    r"erstattungsf[aä]hig",
    # fr
    r"politique",
    r"dans quels? cas",
    rf"combien de temps.{{0,30}}{_MONEY}",
    r"remboursable",
    # pt
    r"em (?:que|quais) casos",
    rf"quanto tempo.{{0,30}}{_MONEY}",
    r"reembols[aá]vel",
)
# Plainly asking for money back: what it takes to offer a refund the model read as a
# question about one.
DEMAND = _words(
    r"refund (?:me|it|this|that|them|the|my|order|\$|\d)",
    r"(?:want|need|'d like|would like|demand|give me|get|have|request|issue|process)\b"
    r".{0,15}\b(?:refund|money back|reimbursement)",
    r"money back",
    # "$30 refund on 1042 please" (from the digits: no word boundary before "$")
    r"\d+(?:[.,]\d+)?\s?(?:[$€£]|dollars?|euros?|pounds)?\s+refund",
    GIVE_BACK,
    r"(?:quiero|quisiera|necesito|exijo|den|devuelvan)\b.{0,20}\b(?:reembolso|dinero)",
    r"(?:m[oö]chte|will|brauche|fordere|erstatten sie)\b.{0,20}\b(?:erstattung|geld|erstatten)",
    r"(?:veux|voudrais|exige|remboursez)\b.{0,20}\b(?:rembours|argent)",
    r"(?:quero|gostaria|preciso|exijo|devolvam)\b.{0,20}\b(?:reembolso|estorno|dinheiro)",
)
QUESTION_INTENTS = frozenset({taxonomy.REFUND_STATUS, taxonomy.REFUND_POLICY})


def about_refund(text: str, intent: str) -> str | None:
    """Why ``text`` (read by the model as ``intent``) asks about a refund rather than for one,
    or None when it does not."""
    if STATUS.search(text):
        return "a question about where a refund is"
    if POLICY.search(text):
        return "a question about the refund policy"
    if intent in QUESTION_INTENTS and not DEMAND.search(text):
        return f"read as {intent} and no refund asked for"
    return None
