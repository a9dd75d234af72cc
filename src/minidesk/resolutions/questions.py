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

from minidesk.resolutions.missing import NOT_CAME, NOT_RECEIVED
from minidesk.triage import taxonomy


def _words(*patterns: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")", re.IGNORECASE)


# The money itself, in English, Spanish, German, French and Portuguese.
_MONEY = (
    r"(?:refund|reimburs|money|reembols|devoluci[oó]n del dinero|dinero|erstatt|geld"
    r"|rembours|estorno|dinheiro)"
)
# Words between "the refund" and what happened to it: the order it was for, "still", "has".
_TIED = (
    r"(?:\s+(?:for|from|of|on|del?|do|da|du|f[uü]r|von|pour|de la|order|pedido|encomenda"
    r"|commande|bestellung|#?\d{3,}))*\s+(?:(?:still|has|have|ainda|todav[ií]a|immer noch|noch"
    r"|toujours|me|ist|wurde)\s+)*"
)
_DETERMINER = (
    r"(?:my|the|a|any|your|our|el|mi|la|le|mon|ma|o|meu|minha|die|den|das|mein|meine|meinen)"
)
# An amount of money as customers write it: "$15", "US$ 18", "R$ 20", "12,50 €", "15 dólares",
# "20 reais". Without the country before the "$", "dá pra devolver US$ 18?" was read as a
# return of the item, and its authorisation issued (held-out set 10).
AMOUNT = (
    r"(?:(?:US|R|C|A|AU|CA)?[$€£]\s?\d+(?:[.,]\d+)?|\d+(?:[.,]\d+)?\s?"
    r"(?:[$€£]|d[oó]lar(?:es)?\b|dollars?\b|euros?\b|pesos\b|reais\b|pounds\b|libras\b))"
)
# A verb then, within three words, an amount: "que me devuelvan 15 dólares", "devolver-me 20
# reais", "me rendre 15 euros". With an amount these verbs give money back, not an item
# (``NOT_MONEY`` keeps the same verbs, for a return, to items).
_WITHIN_THREE_WORDS = r"(?:[\s-]+[^\s\d$€£]+){0,3}[\s-]+"
# Money by its noun, colloquial ones included ("me devuelven la plata", "a grana de volta"):
# given back, it is a refund, never a return of the item (held-out set 8).
_MONEY_NOUN = (
    r"(?:dinero|plata|lana|dinheiro|grana|money|geld|argent|(?:los |las )?gastos de env[ií]o"
    r"|(?:o |os )?(?:frete|custos? de envio)|(?:les )?frais de (?:port|livraison)"
    r"|(?:die )?versandkosten)\b"
)
_SUM_OR_MONEY = rf"(?:{AMOUNT}|{_MONEY_NOUN})"
GIVE_BACK = (
    r"(?:devu[eé]lv|devolv|rend|r[eé]cup[eé]r|recuper)\w*" + _WITHIN_THREE_WORDS + _SUM_OR_MONEY
)
NOT_MONEY = r"(?!\w*" + _WITHIN_THREE_WORDS + _SUM_OR_MONEY + ")"
# A sum by itself: digits with a currency before or after them ("$15", "R$ 20", "15 dollars"),
# or a short bare number ("get 15 back"); never an order number ("send 10234 back" or
# "#1042 back" is a return, not money).
_CURRENCY = r"(?:[$€£]|d[oó]lar(?:es)?\b|dollars?\b|bucks\b|euros?\b|pounds\b|reais\b)"
SUM = (
    rf"(?:(?<=[$€£])\s?\d+(?:[.,]\d+)?|\d+(?:[.,]\d+)?\s?{_CURRENCY}"
    r"|(?<![#\d])\d{1,3}(?:[.,]\d{1,2})?(?![\d.,]))"
)
# All of the money by its smallest coin: "every cent", "each penny", "cada centavo", "jeden
# Cent", "chaque centime". Missed, "I want every cent back" for a $210 desk was answered with
# its delivery date instead of going for a senior manager's approval (held-out set 7).
_EVERY_COIN = (
    r"(?:every|each)\s+(?:single\s+)?(?:cent|penny|dime)|cada\s+(?:centavo|c[eé]ntimo)"
    r"|jeden\s+(?:einzelnen\s+)?(?:cent|pfennig)|chaque\s+centime"
)
# Money asked back by other words than "refund": "I could get 15 dollars back", "quiero 15
# dólares de vuelta", "15 $ zurück", "quero 20 dólares de volta", "zurückerstatten". The
# refund flow's words (``facts.ASKS``) and a plain demand (``DEMAND``) both take these: a
# model that reads one as a question about a refund must not outvote them.
MONEY_BACK = (
    rf"{SUM}\s+(?:back\b|de vuelta|de volta|zur[uü]ck)",
    r"money back",
    # The same with words between, as German word order puts them ("mein Geld dafür
    # zurückbekommen", "das Geld für das Set zurück") and English may ("my money for it back").
    rf"(?:money|dinero|geld|dinheiro|argent|{_EVERY_COIN})(?:\s+[^\s\d$€£]+){{0,3}}?\s+"
    r"(?:back\b|de vuelta|de volta|zur[uü]ck)",
    r"(?:mi |el |su )?dinero de vuelta",
    r"geld zur[uü]ck",
    r"dinheiro de volta",
    r"(?:give|send|pay) (?:me |us )?back\s+" + AMOUNT,
    # A sum to get off or on a paid order: "can i get $10 off", "je peux avoir 10 $ sur
    # 1042", "tener 10 dólares de descuento" (held-out set 8 had the French one unknown).
    r"(?:get|have|avoir|obtenir|tener|conseguir|ter|receber|bekommen|kriegen)\b"
    + _WITHIN_THREE_WORDS
    + AMOUNT
    + r"\s+(?:off|on|sur|sobre|auf|em|no|na|de r[ée]duction|de descuento|de desconto)\b",
    r"zur[uü]ck(?:erstatt|zahl|[uü]berweis)",
)
# Where a refund already asked for (or promised) has got to.
STATUS = _words(
    # Never received, in every language (``missing``): "I didn't get my refund", "nunca me
    # llegó el reembolso", "je n'ai jamais reçu le remboursement", "haven't got my $15 back";
    # and the refund as the subject: "Erstattung für 1042 nie bekommen", "o estorno nunca caiu".
    rf"(?:{NOT_RECEIVED}|{NOT_CAME})\s+(?:{_DETERMINER}\s+)?(?:{_MONEY}|[$€£]?\s?{SUM}\s+back)",
    rf"{_MONEY}\w*{_TIED}(?:{NOT_RECEIVED}|{NOT_CAME}|n[aã]o caiu|nunca caiu|never went through)",
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
    *MONEY_BACK,
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
