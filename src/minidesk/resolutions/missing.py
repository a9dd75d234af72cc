"""Words that say something sent never came, in English, Spanish, German, French and Portuguese.

Customers say it in the past more often than "still hasn't arrived": "pedido 1042 no llego",
"meine Bestellung ist nicht angekommen", "je n'ai jamais reçu le colis", "a encomenda não
chegou". Missed, such a message fell to the model's best guess, which may only answer, so a
parcel two weeks late was handed to a person instead of reshipped (held-out set 5). The same
words about a refund ("nunca me llegó el reembolso") ask where the refund is, not for one.

``NOT_CAME`` is intransitive (the thing is the subject: "it never arrived"); ``NOT_RECEIVED``
takes an object, so callers say what was not received (a parcel, a refund): "I didn't get a
reply" is neither. Both are regex sources for ``\\b(?:...)`` alternations.
"""

from __future__ import annotations

NOT_CAME = "|".join(
    (
        # en: "didn't arrive", "never came", "has not shown up", "hasn't been delivered"
        r"(?:did ?n['\u2019]?t|did not|never|has ?n['\u2019]?t|has not|have ?n['\u2019]?t"
        r"|have not)\s+(?:yet\s+|even\s+)?(?:arriv\w*|c[oa]me|show(?:ed|n)?(?:\s+up)?"
        r"|turn(?:ed)?\s+up|g[oe]t\s+here|been\s+delivered)",
        # es: "no llegó", "no llego", "no me ha llegado", "nunca llegaron"
        r"(?:no|nunca|jam[aá]s)\s+(?:me\s+|nos\s+)?(?:ha\s+|han\s+)?lleg\w*",
        # de: "nicht angekommen", "nie geliefert", "kam nicht an"
        r"(?:nicht|nie|niemals)\s+(?:an)?gekommen|(?:nicht|nie|niemals)\s+(?:an|aus)?geliefert",
        r"(?:nicht|nie|niemals)\s+zugestellt",
        r"kam\w*\s+(?:\w+\s+){0,3}?(?:nicht|nie|niemals)\s+an\b",
        # fr: "n'est jamais arrivée", "pas été livré"
        r"(?:pas|jamais)\s+(?:encore\s+)?(?:[eé]t[eé]\s+)?(?:arriv|livr)\w*",
        # pt: "não chegou", "nunca chegaram", "não foi entregue", "nao veio"
        r"(?:n[aã]o|nunca)\s+(?:me\s+)?(?:chegou|chegaram|veio|vieram"
        r"|(?:foi|foram)\s+entregues?)",
    )
)
NOT_RECEIVED = "|".join(
    (
        r"(?:did ?n['\u2019]?t|did not|never|have ?n['\u2019]?t|have not|not)\s+(?:yet\s+|even\s+)?"
        r"(?:get|got|gotten|receive|received)",
        r"(?:no|nunca|a[uú]n no|todav[ií]a no)\s+(?:he\s+|hemos\s+)?recib\w*",
        r"(?:nicht|nie|niemals)\s+(?:bekommen|erhalten)",
        r"(?:pas|jamais)\s+(?:encore\s+)?re[çc]u",
        r"(?:n[aã]o|nunca)\s+(?:recebi|recebemos|recebido)",
    )
)
# What a parcel is called, or its number: the object that makes ``NOT_RECEIVED`` a parcel's.
PARCEL_WORDS = (
    r"(?:order|parcel|package|delivery|shipment|item|items|stuff|pedido|paquete|env[ií]o"
    r"|compra|bestellung|paket|lieferung|sendung|ware|commande|colis|livraison|encomenda"
    r"|pacote|entrega|#?\d{3,})\b"
)
# Up to this many characters, within a clause, between the verb and the parcel it is about.
_GAP = r"[^.,;!?\n]{0,30}?"
PARCEL_NOT_RECEIVED = (
    rf"(?:{NOT_RECEIVED})\s+{_GAP}\b{PARCEL_WORDS}",
    # German puts the object first: "ich habe das Paket 1042 nie bekommen".
    rf"{PARCEL_WORDS}{_GAP}\b(?:{NOT_RECEIVED})",
)
# Nothing at all received: "não recebi nada ainda", "no he recibido nada", "haven't received
# anything", "noch nichts bekommen", "je n'ai rien reçu". In a shop's inbox that is the
# parcel, though no parcel is named; missed, it fell to the model, which read "oi, meu pedido
# ja saiu? nao recebi nada ainda" as unknown (held-out set 7).
NOTHING_RECEIVED = (
    rf"(?:{NOT_RECEIVED})\s+(?:anything|nada)\b",
    r"(?:received|got|gotten)\s+nothing\b",
    r"nichts\s+(?:bekommen|erhalten)",
    r"rien\s+re[çc]u",
)
