"""Courtesies: a request that follows one ("thanks, but my order still hasn't arrived"), and
a message that is nothing but one ("ok, thanks!", "Hallo zusammen").

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
    rest = text[found.end() :].strip()
    if len(rest.split()) < MIN_WORDS or not (found.group("but") or "?" in rest):
        return None
    return rest


# The words of a message that only acknowledges ("ok, thanks!", "vale, gracias", "alles klar,
# danke", "d'accord, merci", "ok, obrigado"), per language (en es de fr pt), with the fillers
# that go with them ("thank you so much", "muito obrigado", "vielen Dank"). Every word of the
# message must be one of these: a name, a contrast or any request makes it something else.
_ACKNOWLEDGING_WORDS = {
    # With the abbreviations of a text message ("ok np thx", "ah ok vlw", "dale grax"): read
    # as more, a thank-you by SMS after an explained refusal was taken for insisting and
    # handed to a person (held-out set 8).
    "en": "ok okay okey oki k kk alright all right fine good great perfect cool noted understood"
    " got it sure thanks thank thankyou you thx thnx thanx tks tnx tysm ty cheers much"
    " appreciated many a lot so very awesome lovely brilliant bye np",
    "es": "vale gracias grax grs muchas mil entendido perfecto de acuerdo genial bueno bien muy"
    " claro adiós dale",
    "de": "danke vielen dank schön sehr alles klar gut super prima verstanden in ordnung tschüss"
    " thx",
    "fr": "merci mrc mci beaucoup bien d'accord dac compris parfait très entendu génial au revoir",
    "pt": "obrigado obrigada obg obgd brigado muito entendi certo perfeito tudo bem beleza ótimo"
    " combinado valeu vlw blz tchau",
}
# What the thanks is for ("thanks for the explanation", "gracias por la información", "danke
# für die Info", "merci pour l'explication", "obrigado pela ajuda"): a thank-you for the answer
# is still only a thank-you. Read as more, it was taken for insisting after an explained
# refusal and handed to a person (held-out set 5). Nouns for the answer itself only: "thanks
# for the refund" or "for the order" are about something else, and stay so.
_THANKED_FOR = {
    "en": "for the your this explanation explaining info information help reply answer response"
    " quick fast update clarification clarifying letting me know",
    "es": "por la el su tu explicación información info ayuda respuesta aclaración rápida",
    "de": "für die ihre deine eure erklärung info infos information auskunft hilfe antwort"
    " schnelle rückmeldung",
    "fr": "pour la le votre ta l'explication explication l'info info l'information information"
    " l'aide aide réponse rapide précision précisions",
    "pt": "pela pelo por a o sua seu explicação informação info ajuda resposta retorno"
    " esclarecimento rápida",
}
# What a customer adds to a thanks when the answer settled it ("oh ok, thanks anyway", "oh
# right, forgot about that. thanks", "ah stimmt, hatte ich vergessen, danke", "tant pis, merci
# quand même", "oh I see it now, thanks", "ya veo, gracias"): surprise, resignation, having
# forgotten or overlooked it. Read as more, a thank-you after an
# explained refusal was taken for insisting and handed to a person (held-out set 7). Beside
# a thanks only: "anyway" or "never mind" alone may start a request.
_SETTLED = {
    "en": "oh ah ahh aha right anyway anyways i see makes sense fair enough no worries never"
    " mind nevermind forgot about that it my bad silly me then now missed overlooked explains"
    " oops yes yeah yep",
    "es": "ah oh ya cierto es verdad lo olvidé se me olvidó igualmente de todas formas no pasa"
    " nada entiendo entonces veo ahora",
    "de": "ach ah oh so stimmt richtig trotzdem vergessen hatte ich das egal schade na dann"
    " jetzt sehe seh übersehen ja",
    "fr": "ah oh bon tant pis quand même j'avais oublié c'est vrai je vois alors maintenant vu oui",
    "pt": "ah oh é verdade esqueci mesmo assim de qualquer forma entendo tá então agora vi sim",
}
_ACKNOWLEDGING = frozenset(" ".join(_ACKNOWLEDGING_WORDS.values()).split())
# Only beside a thanks: "help" or "ayuda" alone asks for help.
_THANKS_WORDS = frozenset(
    {"thanks", "thank", "thankyou", "thx", "thnx", "thanx", "tks", "tnx", "tysm", "ty",
     "cheers", "appreciated", "gracias", "grax", "danke", "dank", "merci", "mrc", "mci",
     "obrigado", "obrigada", "obg", "obgd", "brigado", "valeu", "vlw"}
)  # fmt: skip
_FOR_WHAT = frozenset(" ".join((*_THANKED_FOR.values(), *_SETTLED.values())).split())
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
# More words than this is a sentence of its own, whatever its words.
MAX_ACKNOWLEDGING_WORDS = 8


def is_acknowledgement(text: str) -> bool:
    """Whether ``text`` only acknowledges what it answers: no question, every word a courtesy
    or an agreement (emoji and punctuation aside). After an answer or an explained refusal
    such a message asks for nothing, so nobody needs to act on it."""
    if "?" in text or "¿" in text:
        return False
    words = _WORD.findall(text.replace("\u2019", "'").casefold())
    allowed = _ACKNOWLEDGING | _FOR_WHAT if _THANKS_WORDS.intersection(words) else _ACKNOWLEDGING
    return 0 < len(words) <= MAX_ACKNOWLEDGING_WORDS and all(w in allowed for w in words)


# A greeting and whom it greets, per language (en es de fr pt): "hi there", "good morning
# everyone", "hola a todos", "Hallo zusammen", "Guten Tag ihr Lieben", "bonjour à tous",
# "salut tout le monde", "olá pessoal", "bom dia a todos". A chat or a text often opens with
# one and sends the request next; read as an unsupported request, the greeting handed the
# conversation to a person and the bot never answered the request that followed.
_GREETING_WORDS = {
    "en": "hi hello hey hiya heya howdy good morning afternoon evening day there all everyone"
    " everybody folks guys team people",
    "es": "hola buenos buenas buen día dia días dias tardes noches a todos todas equipo gente",
    "de": "hallo hi hey guten tag morgen abend moin servus grüß grüss gott zusammen ihr lieben"
    " liebe leute team alle",
    "fr": "bonjour bonsoir salut coucou à a tous toutes tout le monde l'équipe équipe",
    "pt": "olá ola oi bom boa dia tarde noite a todos todas pessoal gente equipe equipa",
}
_GREETING = frozenset(" ".join(_GREETING_WORDS.values()).split())
# The greeting itself: "team" or "everyone" alone greets nobody.
_HELLOS = frozenset(
    {"hi", "hello", "hey", "hiya", "heya", "howdy", "good", "hola", "buenos", "buenas", "buen",
     "hallo", "guten", "moin", "servus", "grüß", "grüss", "bonjour", "bonsoir", "salut", "coucou",
     "olá", "ola", "oi", "bom", "boa"}
)  # fmt: skip
MAX_GREETING_WORDS = 5


def is_greeting(text: str) -> bool:
    """Whether ``text`` is only a greeting ("Hallo zusammen!", "hi there 👋"): every word a
    greeting or whom it greets, with a greeting among them. A name, a question's words or a
    request make it something else ("Hallo Anna, kurze Frage")."""
    words = _WORD.findall(text.replace("\u2019", "'").casefold())
    return (
        0 < len(words) <= MAX_GREETING_WORDS
        and all(word in _GREETING for word in words)
        and not _HELLOS.isdisjoint(words)
    )
