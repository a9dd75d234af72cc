"""How a message frames each action it names: asked for, taken back ("I don't want to
cancel"), or, for a cancellation, only supposed or reported ("what happens if I cancel?",
"you cancelled my order!"). ``words.ASKS`` finds the mentions; the words around each one
decide, and the last mention of an action counts.

Reading too much as not asked only hands a request to a person; reading too little acts
against the customer, so the patterns lean that way.
"""

from __future__ import annotations

import re

from minidesk.resolutions.words import ASKS
from minidesk.triage import taxonomy

# A negation just before the action word, in the same phrase: "I don't want to cancel", "no
# canceles", "je ne veux pas annuler", "ne l'annulez pas". Punctuation ends the phrase: a "no"
# that answers the bot ("no, cancel it", "nein - bitte stornieren") or negates something
# else ("no refund, just cancel") takes nothing back, where it was read as "do not cancel".
NEGATED = re.compile(
    r"\b(?:not|don['\u2019]?t|do not|never|no|nicht|kein\w*|pas|jamais|ne|n(?=['\u2019])"
    r"|n[aã]o|nunca)\b(?:[\s'\u2019]+\w+){0,2}[\s'\u2019]*$",
    re.IGNORECASE,
)
# A hedged negation, further from the action word: "I'm not sure I want to cancel", "I didn't
# mean to cancel", "I don't think I want a refund", "no estoy seguro de querer cancelar", "je
# ne suis pas sûr de vouloir annuler". With only ``NEGATED``'s two words, those were read as
# requests and an order was cancelled. The reach is widened only through a word of wanting,
# meaning or deciding: "I can't remember my password" still asks for a reset, "I don't need
# it anymore please cancel" still cancels, and an English "no" that opens an answer ("No I
# want to cancel") negates nothing.
HEDGED = re.compile(
    r"\b(?:not|never|nicht|kein\w*|pas|ne|n[aã]o|nunca|don['\u2019]?t|\w+n['\u2019]t"
    r"|no(?![\s'\u2019]+(?:i|we)\b))(?:[\s'\u2019]+\w+){0,3}?[\s'\u2019]+"
    r"(?:want|wanna|mean|meant|sure|think|decid|wish|quier|quer|segur|certez|veu|voul|s[uû]r"
    r"|m[oö]cht|woll)\w*(?:[\s'\u2019]+\w+){0,2}[\s'\u2019]*$",
    re.IGNORECASE,
)
# The action named as what the customer does NOT want, in favour of another: "rather than a
# refund, I'd prefer an exchange", "plutôt qu'un remboursement", "en lugar de un reembolso",
# "statt einer Erstattung", "em vez de reembolso". Read as a request, the refund was offered
# to a customer who had just declined it (held-out set 11).
INSTEAD_OF = re.compile(
    r"\b(?:rather than|instead of|plut[oô]t qu(?:e|(?=['\u2019]))|au lieu d(?:e|(?=['\u2019]))"
    r"|en (?:lugar|vez) de|(?:an)?statt|anstelle|em vez de|ao inv[eé]s de)"
    r"(?:[\s'\u2019]+\w+){0,1}[\s'\u2019]*$",
    re.IGNORECASE,
)
# A cancellation supposed, not asked for: "what happens if I cancel?", "I might cancel if
# it's late", "thinking about cancelling 1042", "was passiert, wenn ich storniere?", "qué
# pasa si cancelo?". Read as requests, each cancelled an unshipped order at once. Only the
# cancellation is held to this: it alone acts with no step to confirm (a refund waits for
# YES REFUND, an address change for the address), and "check if there is news on my refund"
# or "what do I need to do to cancel 1042?" must keep their readings. A "please" after the
# supposing word makes it a request again ("if it hasn't shipped please cancel it"), as does
# a polite "if you could", "if you can" or "if possible"; punctuation ends the phrase as for
# negations.
SUPPOSING = re.compile(
    r"\b(?:if(?! (?:(?:i|you|we) could|you can|possible)\b)|what if|whether|might|maybe"
    r"|thinking (?:about|of)|consider\w*|hypothetical\w*|(?:was|were) (?:going|about) to"
    r"|wenn|falls|ob|vielleicht"
    r"|[uü]berleg\w*|si|quiz[aá]s?|pensando en|peut-[eê]tre|caso|talvez|pensando em|penso em)\b"
    r"(?:(?!\b(?:please|pls|plz|bitte|por favor|s['\u2019]il vous pla[iî]t|svp)\b)[^.?!;,\n])*$",
    re.IGNORECASE,
)
# A sentence framed as make-believe, whatever its commas: "hypothetically, could I cancel
# 1042?", "in theory, can I cancel it?", "rein hypothetisch, könnte ich stornieren?". The comma
# ended ``SUPPOSING``'s phrase, and the question that followed cancelled the order.
SUPPOSING_SENTENCE = re.compile(
    r"\b(?:hypothetical\w*|theoretical\w*|in theory|out of curiosity|hypothetisch|theoretisch"
    r"|aus neugier|hipot[eé]tic\w*|te[oó]ricamente|en teor[ií]a|em teoria|por curiosidad\w*"
    r"|hypoth[eé]tiquement|th[eé]oriquement|par curiosit[eé])\b"
    r"(?:(?!\b(?:please|pls|plz|bitte|por favor|s['\u2019]il vous pla[iî]t|svp)\b)[^.?!;\n])*$",
    re.IGNORECASE,
)
# An action asked about and then refused, or taken back after it is named: "Cancel 1042? No
# way", "¿Reembolso? No, prefiero un cambio", "cancel it... actually I changed my mind". The
# refusal is read only right after the question, and only as a word of its own ("No, …",
# "nope.", "No way", "no I want …"): "no rush", "no need to reply", "No one answered my last
# email", "no hay prisa" answer nothing. A mind changed takes the action back only when the
# customer corrects themselves ("actually", "wait"): "can I still cancel the rug? changed my
# mind" gives the reason for cancelling.
TAKEN_BACK_AFTER = re.compile(
    r"^[^.?!\n]{0,40}\?[\s?!]*(?:no+|nope|nah|never|of course not|nein|non|n[aã]o|jam[aá]is"
    r"|nunca)(?=\s*(?:[,.!;]|$)|\s+(?:way|thanks?|thank you|i|we|it|don['\u2019]?t|do not"
    r"|please)\b)"
    r"|^[^\n]{0,80}?\b(?:never\s?mind|just kidding|(?:actually|wait|sorry|oh)[\s,.!-]+"
    r"(?:i['\u2019]?(?:ve| have)?\s+)?changed my mind)",
    re.IGNORECASE,
)
# The goods kept after an action that would give them up is named: "Cancel 1042? I still want
# it". Only for those actions: "can you change the address of 1042? I still want it delivered"
# keeps its request.
KEPT_AFTER = re.compile(
    r"^[^.!\n]{0,60}?\b(?:i|we)\s+(?:still|actually|do)\s+(?:want|need)\s+"
    r"(?:it|them|this|that|the order|my order)\b(?!\s+(?:delivered|sent|shipped|to|at|by|but)\b)",
    re.IGNORECASE,
)
GIVING_UP = {taxonomy.CANCEL_ORDER, taxonomy.REFUND, taxonomy.RETURN}
# A cancellation for later, on a condition with a deadline: "if it doesn't come by Friday, I
# want to cancel 1042", "if 1042 isn't here by next week please cancel it", "wenn es bis
# Montag nicht da ist, storniere ich". Cancelled at once, the order the customer still
# waits for is gone before the deadline. A "please" does not make it a request for now, and
# the condition reaches across its comma; a condition on the present ("if it hasn't shipped
# yet, cancel it") names no deadline and still asks.
DEADLINE_CONDITION = re.compile(
    r"\b(?:if|unless|wenn|falls|si|se|caso)\b[^.?!;\n]{0,50}?\b(?:by|before|until|till|within"
    r"|bis|antes d[eo]|hasta|avant|até|para)\s+(?:(?:the\s+)?(?:next|this|coming|end of|el|la"
    r"|le|o|a|nächste[nmr]?|diese[nmr]?|próxim[oa]|proch\w+|ce)\s+)*"
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|tomorrow|tonight|weekend|week|month"
    r"|\d|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|morgen|wochenende|woche"
    r"|lunes|martes|mi[eé]rcoles|jueves|viernes|s[aá]bado|domingo|ma[nñ]ana|semana|lundi|mardi"
    r"|mercredi|jeudi|vendredi|samedi|dimanche|demain|segunda|ter[cç]a|quarta|quinta|sexta"
    r"|amanh[aã])",
    re.IGNORECASE,
)
# A cancellation reported, not asked for: "you cancelled my order without asking!", "my order
# was cancelled", "fue cancelado", "a été annulée", "foi cancelada", "wurde storniert". Read
# as a request, the bot cancelled the order the customer was complaining about. A past form
# after a wish is still a request ("I want it cancelled", "quiero que quede anulado"), and
# German "storniert wird/werden" and "storniert bitte …" (the imperative to a team) are too;
# "cancelo" (I cancel) is present, and unaccented "canceló" reads as it.
PAST_CANCEL = re.compile(
    r"(?:cancell?ed|cancelad[oa]s?|anulad[oa]s?|cancelaron|anularon|cancel(?:ó|ou)|anuló"
    r"|cancelaram|annul[ée]e?s?|storniert)\b(?!\s+(?:wird|werden|bitte)\b)",
    re.IGNORECASE,
)
WISHED = re.compile(
    r"\b(?:want|wanted|like|need|please|pls|get|have|make sure|quier|quer|voudr|veux|souhait"
    r"|m[oö]cht|will|bitte|por favor)\w*\b[^.?!;,\n]{0,30}$",
    re.IGNORECASE,
)
ASKED, NEGATIVE, SUPPOSED = "asked", "negative", "supposed"


def _reading(flow: str, sentence: str, word: str, after: str) -> str:
    """How ``word``, a mention of ``flow``, and the words before (``sentence``, the 80
    characters before it) and ``after`` it frame it: taken back, supposed (or reported), or
    asked."""
    before = sentence[-40:]
    if any(pattern.search(before) for pattern in (NEGATED, HEDGED, INSTEAD_OF)):
        return NEGATIVE
    if TAKEN_BACK_AFTER.search(after):
        return NEGATIVE
    if flow in GIVING_UP and KEPT_AFTER.search(after):
        return NEGATIVE
    if flow == taxonomy.CANCEL_ORDER and (
        SUPPOSING.search(before)
        or SUPPOSING_SENTENCE.search(before)
        or _for_later(sentence)
        or (PAST_CANCEL.match(word) and not WISHED.search(before))
    ):
        return SUPPOSED
    return ASKED


def names_wanted(pattern: re.Pattern[str], text: str) -> bool:
    """Whether ``text`` names what ``pattern`` finds other than declined or negated: "send a
    replacement" does, "a refund instead of a replacement" and "no replacement" do not."""
    for match in pattern.finditer(text):
        before = text[max(0, match.start() - 40) : match.start()]
        if not any(negation.search(before) for negation in (NEGATED, HEDGED, INSTEAD_OF)):
            return True
    return False


def _for_later(sentence: str) -> bool:
    """Whether the sentence so far (up to the action word) puts the action off to a deadline."""
    start = max(sentence.rfind(mark) for mark in ".?!;\n") + 1
    return DEADLINE_CONDITION.search(sentence[start:]) is not None


def _last_readings(text: str) -> dict[str, str]:
    """Each action ``text`` mentions, read by its last mention: a customer who changes their
    mind ("cancel 1042.. wait actually don't cancel it, send it to ...") takes the request
    back, which held-out set 8 had read as two requests."""
    found: dict[str, str] = {}
    for flow, pattern in ASKS.items():
        for match in pattern.finditer(text):
            before = text[max(0, match.start() - 80) : match.start()]
            word = text[match.start() : match.start() + 40]
            found[flow] = _reading(flow, before, word, text[match.end() : match.end() + 100])
    return found


def asked_for(text: str, *, negated: bool = False) -> set[str]:
    """The actions ``text`` asks for in so many words, or with ``negated`` the ones it says
    it does not want ("I don't want to cancel")."""
    wanted = NEGATIVE if negated else ASKED
    return {flow for flow, reading in _last_readings(text).items() if reading == wanted}


def supposed(text: str) -> set[str]:
    """The cancellation, if ``text`` only supposes it ("what happens if I cancel?"): neither
    asked for nor taken back, and not to be taken for a request on the model's say-so."""
    return {flow for flow, reading in _last_readings(text).items() if reading == SUPPOSED}
