"""The words a customer uses to ask for each action, and to ask where a parcel is, in
English, Spanish, German, French and Portuguese (``facts.choose_flow`` decides with them).

Patterns, not a model: they decide which action-taking flow may run, so a reader can check
exactly what each one accepts.
"""

from __future__ import annotations

import re

from minidesk.resolutions.missing import NOT_CAME, PARCEL_NOT_RECEIVED
from minidesk.resolutions.questions import GIVE_BACK, MONEY_BACK, NOT_MONEY
from minidesk.triage import taxonomy


def _words(*patterns: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")", re.IGNORECASE)


# Words that ask for each action, in English, Spanish, German, French and Portuguese. A
# stem matches its inflections ("cancel" → cancelled, "storn" → stornieren, Stornierung).
ASKS = {
    taxonomy.REFUND: _words(
        r"refund",
        *MONEY_BACK,  # "15 dollars back", "de vuelta", "zurückerstatten", "de volta"
        r"reimburs",
        r"reemb[oó]ls",  # and the imperative "reembólsame"
        GIVE_BACK,
        r"devuelv\w* (?:el|mi) dinero",
        r"devoluci[oó]n del dinero",
        r"erstatt",
        r"r[uü]ckerstatt",
        r"rembours",
        r"estorn",
    ),
    taxonomy.CANCEL_ORDER: _words(r"cancel", r"anul", r"storn", r"annul", r"abbestell"),
    taxonomy.RETURN: _words(
        r"return(?!ed)",  # "I returned it" is past, not a request
        # "send it back", "send 10234 back", "send the lamp back" (a number here is an order,
        # never an amount: ``questions.SUM`` leaves it to the return).
        r"send (?:[^\s$€£]+\s+){0,3}?back",
        r"devolver" + NOT_MONEY,
        r"devoluci[oó]n",
        r"zur[uü]ck(?:schicken|senden|geben)",
        r"r[uü]cksend",
        r"retourn",
        r"renvoyer",
        r"devolu[cç][aã]o",
        r"devolv" + NOT_MONEY,
    ),
    taxonomy.ADDRESS_CHANGE: _words(
        r"(?<!email )(?<!e-mail )add?ress?",  # and its usual typos: adress, addres
        r"(?:liefer|versand|post)adresse",
        r"direcci[oó]n",
        r"(?<!e-mail-)adresse",
        r"endere[cç]o",
        r"morada",
        # "ship it to my new place", "send it to a different home": the address by other words.
        r"(?:ship|send|deliver)\w*\b.{0,30}\bto (?:my |a |the |our )?(?:new|different|other) "
        r"(?:place|home|house|flat|apartment)",
        r"(?:change|update|modify|correct) where\b.{0,30}\b(?:deliver|ship|sent|go)",
    ),
    taxonomy.INVOICE: _words(
        r"invoi?ce",  # and "invoce"
        r"receipt",
        r"bills?\b",  # not "billed twice": a payment problem
        r"factura",
        r"recibo",
        r"rechnung",
        r"quittung",
        r"beleg",
        r"facture",
        r"fatura",
        r"nota fiscal",
    ),
    taxonomy.PASSWORD_RESET: _words(
        r"password",
        r"log ?in",
        r"sign ?in",
        r"contrase[nñ]a",
        r"passwort",
        r"kennwort",
        r"mot de passe",
        r"senha",
        r"palavra-passe",
    ),
}
# A parcel that is late, missing or being waited for: a status question.
LATE = _words(
    r"late\b",
    r"delay",
    r"still (?:nothing|not here|waiting|hasn)",
    r"(?:has|have)n'?t "
    r"(?:arrived|come|shown up|got|received)",
    r"not (?:arrived|received|here yet|come)",
    r"(?:is|are)(?:n'?t| not) here",
    r"taking forever|(?:it'?s|has) been forever",
    r"any (?:update|news)",
    r"(?:parcel|package|order|delivery|shipment)\b.{0,20}\b(?:lost|missing)\b",
    r"where(?:'?s| is)",
    r"when will",
    r"when\b.{0,30}\b(?:arriv|get here|come|deliver|show up|turn up|get it|receive it)",
    r"any idea when",
    r"eta\b",
    r"(?:supposed|meant|due) to (?:be here|arrive|come|be delivered|get here)",
    r"was due",
    r"should(?: have|'ve) (?:arrived|been (?:here|delivered)|come)",
    r"when (?:does |will )?it ships?",
    r"shipped yet",
    r"(?:ya (?:fue|ha sido|se ha) (?:enviado|mandado)|ya sali[oó])",
    r"schon (?:verschickt|versandt|unterwegs|losgeschickt)",
    r"d[eé]j[aà] (?:exp[eé]di|envoy|parti)",
    r"j[aá] foi (?:enviad|despachad)",
    r"has (?:it|my order|order \S+) shipped",
    r"track",
    r"never (?:arrived|came|got|showed up|turned up)",
    r"tarde",
    r"retras",
    r"no (?:me )?ha llegado",
    r"todav[ií]a no",
    r"no (?:me )?llega",
    r"d[oó]nde est[aá]",
    r"cu[aá]ndo\b.{0,30}(?:lleg|recib)",
    r"ten[ií]a que (?:llegar|haber llegado)",
    r"deber[ií]a (?:haber llegado|llegar|estar aqu)",
    r"seguimiento",
    r"versp[aä]t",
    r"[uü]berf[aä]llig",
    r"noch nicht (?:angekommen|da|"
    r"erhalten|geliefert)",
    r"noch immer nichts",
    r"wo (?:ist|bleibt)",
    r"wann\b.{0,30}(?:kommt|bekomme|erhalte|geliefert|ankommt|ankommen)",
    r"sollte\b.{0,40}(?:kommen|ankommen|da sein|geliefert)",
    r"sendungsverfolgung",
    r"retard",
    r"pas (?:encore )?(?:re[çc]u|arriv)",
    r"o[uù] (?:en )?est",
    r"toujours rien",
    r"quand\b.{0,30}(?:recevoir|re[çc]oi|arriv|livr)",
    r"(?:devait|aurait d[uû]) (?:arriver|[eê]tre livr)",
    r"suivi",
    r"atras",
    r"dev(?:ia|eria) ter chegado",
    r"demora",
    r"n[aã]o chega",
    r"quando\b.{0,30}(?:cheg|receb)",
    r"ainda n[aã]o "
    r"(?:chegou|recebi)",
    r"onde est[aá]",
    r"cad[eê]",
    r"quando chega",
    r"rastre",
    # "no llegó", "nicht angekommen", "jamais reçu le colis": the past tense (``missing``).
    NOT_CAME,
    *PARCEL_NOT_RECEIVED,
)
# Words that make a clause about a parcel rather than about, say, the invoice ("where is my
# invoice? it never arrived" asks about the invoice alone): an order's noun or number.
PARCEL = _words(
    r"order",
    r"parcel",
    r"package",
    r"delivery",
    r"shipment",
    r"pedido",
    r"paquete",
    r"env[ií]o",
    r"bestellung",
    r"paket",
    r"lieferung",
    r"sendung",
    r"commande",
    r"colis",
    r"livraison",
    r"encomenda",
    r"pacote",
    r"entrega",
    r"#?\d{3,}",
)
# Where one request ends and another starts: a sentence, a comma, "and also", "y", "und"...
CLAUSES = re.compile(
    r"[.?!;\n]+|,\s*|\s+(?:and|also|plus|y|adem[aá]s|und|au[sß]erdem|et|aussi|e|tamb[eé]m)\s+",
    re.IGNORECASE,
)
# Requests the bot answers together in one reply, in this order: neither asks the customer
# anything back nor moves money (tracking, or the reship a late order gets alone; a copy of
# the invoice to the email on file). Any other pair goes to a person (``requests.several``).
# A negation just before the action word: "I don't want to cancel", "je ne veux pas annuler".
NEGATED = re.compile(
    r"\b(?:not|don'?t|do not|never|no|nicht|kein\w*|pas|jamais|n[aã]o|nunca)\b(?:\W+\w+){0,2}"
    r"\W*$",
    re.IGNORECASE,
)


def asked_for(text: str, *, negated: bool = False) -> set[str]:
    """The actions ``text`` asks for in so many words, or with ``negated`` the ones it says
    it does not want ("I don't want to cancel")."""
    found: set[str] = set()
    for flow, pattern in ASKS.items():
        for match in pattern.finditer(text):
            said_not = NEGATED.search(text[max(0, match.start() - 40) : match.start()])
            if bool(said_not) == negated:
                found.add(flow)
                break
    return found


def is_late(text: str) -> bool:
    return LATE.search(text) is not None


def asks_status_apart(text: str) -> bool:
    """A clause of its own asks where a parcel is ("where is my order 1042 and can you send
    the invoice?"): late or missing words, a parcel's noun or number, and no action asked."""
    return any(
        is_late(clause) and PARCEL.search(clause) and not asked_for(clause)
        for clause in CLAUSES.split(text)
    )


# Asking where a parcel is, rather than saying it is late ("my order is late, refund me" gives
# the reason for the refund; "where is my order? and refund me" asks two things).
WHERE = _words(
    r"where",
    r"when",
    r"track",
    r"any (?:update|news)",
    r"eta\b",
    r"status",
    r"shipped yet",
    r"has (?:it|my order|order \S+) shipped",
    r"d[oó]nde",
    r"cu[aá]ndo",
    r"seguimiento",
    r"wo\b",
    r"wann",
    r"sendungsverfolgung",
    r"o[uù]\b",
    r"quand",
    r"suivi",
    r"onde",
    r"quando",
    r"cad[eê]",
    r"rastre",
)
# Asking to be sent something ("send me the invoice", "¿me mandas la factura?", "ich brauche
# die Rechnung"), not mentioning it ("the invoice shows I paid twice").
SEND_ME = _words(
    r"send",
    r"e-?mail",
    r"need",
    r"want",
    r"copy",
    r"get\b",
    r"give",
    r"forward",
    r"(?:can|could|may) (?:i|you)",
    r"please",
    r"where(?:'?s| is)",
    r"m[aá]nd",
    r"env[ií]",
    r"necesit",
    r"quiero",
    r"puede",
    r"schick",
    r"brauch",
    r"bitte",
    r"h[aä]tte",
    r"k[oö]nn",
    r"envoy",
    r"besoin",
    r"voudrais",
    r"pourr",
    r"mand",
    r"preciso",
    r"quero",
    r"pode",
    r"por favor",
)
# "my other order", "otro pedido", "meine andere Bestellung": not the order named elsewhere.
OTHER = _words(
    r"other",
    r"another",
    r"second",
    r"otr[oa]\b",
    r"ander",
    r"zweite",
    r"autre",
    r"deuxi[eè]me",
    r"outr[oa]\b",
)


def clauses(text: str) -> list[str]:
    """The clauses of ``text`` that say something (the separators dropped)."""
    return [clause for clause in CLAUSES.split(text) if clause and clause.strip()]
