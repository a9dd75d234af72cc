"""Which flow a message starts: the intent model's reading checked against what the customer
actually wrote, before any flow looks at an order.

The model is a good reader of phrasing and a poor judge of consequences: a late board game
read as *invoice*, or "a full refund of the order" read as *return*, would each take an
action nobody asked for. So the words that name an action decide which action-taking flow
may run; a message about a late or missing parcel is a status question whatever the model
says; and the model alone starts a flow only above that flow's confidence floor
(``floors.FLOORS``). The flows then check the order's own facts (shipped, delivered,
cancelled, captured) before acting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from minidesk.resolutions.floors import floor_for
from minidesk.resolutions.missing import NOT_CAME, PARCEL_NOT_RECEIVED
from minidesk.resolutions.questions import GIVE_BACK, MONEY_BACK, NOT_MONEY, about_refund
from minidesk.triage import taxonomy

# The flows a message starts (intents of the same flow map to one name here).
STATUS = taxonomy.ORDER_STATUS
FLOW_OF_INTENT = {
    taxonomy.ORDER_STATUS: STATUS,
    taxonomy.DELIVERY_TIME: STATUS,
    taxonomy.ORDER_LATE: STATUS,
    taxonomy.REFUND: taxonomy.REFUND,
    taxonomy.CANCEL_ORDER: taxonomy.CANCEL_ORDER,
    taxonomy.ADDRESS_CHANGE: taxonomy.ADDRESS_CHANGE,
    taxonomy.RETURN: taxonomy.RETURN,
    taxonomy.PASSWORD_RESET: taxonomy.PASSWORD_RESET,
    taxonomy.INVOICE: taxonomy.INVOICE,
}


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
TOGETHER = (STATUS, taxonomy.INVOICE)
# A negation just before the action word: "I don't want to cancel", "je ne veux pas annuler".
NEGATED = re.compile(
    r"\b(?:not|don'?t|do not|never|no|nicht|kein\w*|pas|jamais|n[aã]o|nunca)\b(?:\W+\w+){0,2}"
    r"\W*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Choice:
    """The flow to run (None: no flow) and why, for the hand-off note and the tests;
    ``guessed`` when only the model's best guess chose it (the flow then only answers)."""

    flow: str | None
    why: str
    guessed: bool = False
    # The actions a message asks for when it asks for more than one flow can take at once:
    # no one flow runs, so that none of them is silently dropped (a person takes them all).
    several: tuple[str, ...] = ()
    # The flows to run one after the other on the same order, answered in one reply
    # (``TOGETHER``); ``flow`` is the first of them.
    together: tuple[str, ...] = ()


# The state fact a flow reads to know it was started on the model's best guess alone.
GUESSED = "guessed"


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


def choose_flow(
    intent: str,
    confidence: float,
    text: str,
    *,
    has_order: bool,
    pack_minimum: float = 0.0,
    best_guess: str | None = None,
    orders_named: int = 1,
) -> Choice:
    """The flow for a new request: ``intent`` at ``confidence`` as triage read ``text``
    (``best_guess``: the model's top label when it answered "unknown"); ``has_order`` when
    the message names one of the customer's orders (``orders_named``: how many orders it
    names); ``pack_minimum`` the policy pack's floor for irreversible actions."""
    modelled = FLOW_OF_INTENT.get(intent)
    asked = asked_for(text)
    if modelled in asked_for(text, negated=True) - asked:
        modelled = None  # the model read the very action the customer said they do not want
    refund_named = ASKS[taxonomy.REFUND].search(text) or modelled == taxonomy.REFUND
    if refund_named and (question := about_refund(text, intent)) is not None:
        # Where a refund is, or what the policy says: no money is asked to move, and a refund
        # question is not a parcel question either ("when will I get my refund?").
        asked.discard(taxonomy.REFUND)
        modelled = None if modelled == taxonomy.REFUND else modelled
        if not asked:
            return Choice(None, question)
    if asked == {taxonomy.INVOICE} and asks_status_apart(text):
        asked.add(STATUS)  # "where is my order 1042 and can you send the invoice?"
        if orders_named <= 1:
            return Choice(
                STATUS, "where the order is and its invoice, answered together", together=TOGETHER
            )
    if len(asked) == 1:
        (flow,) = asked
        return Choice(flow, f"the message asks for {flow} in so many words")
    if len(asked) > 1:
        for first in (taxonomy.CANCEL_ORDER, taxonomy.RETURN):
            # On two orders ("refund 1041 and cancel 1042") these are two requests, and a
            # flow that takes the first number would act on the wrong order for one of them.
            if asked == {first, then := taxonomy.REFUND} and orders_named <= 1:
                # A cancellation refunds the payment and a return is refunded on arrival:
                # "cancel it and refund me" is one request, the first.
                return Choice(first, f"{first}, which includes the {then} asked for")
        several = tuple(sorted(asked))
        return Choice(None, f"the message asks for several actions ({', '.join(several)})",
                      several=several)
    password = modelled == taxonomy.PASSWORD_RESET and confidence >= floor_for(modelled)
    if is_late(text) and not password:
        # However the model read it, a parcel that has not come is a status question: the
        # answer is tracking and the ETA (and a reship when it is late enough).
        return Choice(STATUS, "a late or missing parcel: tracking and ETA")
    # The model's top reading when it is unsure: its best guess, or an intent under its floor.
    guess = best_guess if modelled is None else intent
    below_floor = modelled is None or confidence < floor_for(modelled, pack_minimum)
    if below_floor and FLOW_OF_INTENT.get(guess or "") == STATUS and has_order:
        # Read-only, about an order the customer named as theirs: the model's best guess is
        # enough to answer with tracking and the ETA (held-out wordings such as "is 1042
        # going to make it this week?" score 0.03-0.10 with a status intent on top).
        return Choice(
            STATUS, f"{guess} (the model's best guess) on the customer's order", guessed=True
        )
    if modelled is None:
        return Choice(None, f"no resolution flow for intent {intent}")
    if modelled == taxonomy.INVOICE:
        return Choice(None, "an invoice goes out only when the message asks for one")
    if modelled == taxonomy.REFUND:
        return Choice(None, "a refund is offered only when the message asks for one")
    floor = floor_for(modelled, pack_minimum)
    if confidence < floor:
        return Choice(None, f"intent {intent} at {confidence:.2f} is below the floor {floor}")
    if modelled not in (STATUS, taxonomy.PASSWORD_RESET) and not has_order:
        # An action the customer did not name, on no order they named: too little to act on.
        return Choice(None, f"{modelled} was not asked for in words and no order was named")
    return Choice(modelled, f"intent {intent} at {confidence:.2f} (floor {floor})")
