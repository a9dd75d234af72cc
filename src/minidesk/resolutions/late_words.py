"""The words that ask where a parcel is, or say it is late or missing, in English, Spanish,
German, French and Portuguese (``facts.choose_flow`` makes such a message a status question
whatever the intent model reads), and the words that make a clause about a parcel.

Patterns, not a model, as in ``words``: a reader can check exactly what each one accepts.
"""

from __future__ import annotations

import re

from minidesk.resolutions.framing import asked_for
from minidesk.resolutions.missing import NOT_CAME, NOTHING_RECEIVED, PARCEL_NOT_RECEIVED
from minidesk.resolutions.words import CLAUSES, any_of

# A parcel that is late, missing or being waited for: a status question.
LATE = any_of(
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
    # Several parcels: "where are 1041 and 1042?", "wo sind", "où sont", "onde estão"
    # ("dónde están" is "dónde está" below). Missed, the question fell to the model.
    r"where(?:'re| are)\b",
    r"wo sind\b",
    r"o[uù] sont\b",
    r"onde est[aã]o\b",
    r"when will",
    # "ariving", "arive": a texted typo still asks (held-out set 9 had it a second cancel).
    r"when\b.{0,30}\b(?:ar+iv|get here|come|deliver|show up|turn up|get it|receive it)",
    r"any idea when",
    r"eta\b",
    r"(?:supposed|meant|due) to (?:be here|arrive|come|be delivered|get here)",
    r"was due",
    r"should(?: have|'ve) (?:arrived|been (?:here|delivered)|come)",
    r"when (?:does |will )?it ships?",
    r"ship(?:ped)? yet",
    # "did the scarf ship", "did my order get shipped" (held-out set 8 had it unknown).
    r"did\b[^.?!\n]{0,40}\b(?:ship|dispatch)(?:ped)?\b",
    r"(?:ya (?:fue|ha sido|se ha) (?:enviado|mandado)|ya sali[oó])",
    r"j[aá] saiu",  # "meu pedido já saiu?": "has it left?", as "ya salió" (held-out set 7)
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
    *NOTHING_RECEIVED,
)
# Words that make a clause about a parcel rather than about, say, the invoice ("where is my
# invoice? it never arrived" asks about the invoice alone): an order's noun or number.
PARCEL = any_of(
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
# Asking where a parcel is, rather than saying it is late ("my order is late, refund me" gives
# the reason for the refund; "where is my order? and refund me" asks two things).
WHERE = any_of(
    r"where",
    r"when",
    r"track",
    r"any (?:update|news)",
    r"eta\b",
    r"status",
    r"ship(?:ped)? yet",
    # "did the scarf ship", "did my order get shipped" (held-out set 8 had it unknown).
    r"did\b[^.?!\n]{0,40}\b(?:ship|dispatch)(?:ped)?\b",
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


# Asking where the shop itself is ("where are your stores?", "where are you located?", "wo
# ist Ihr Laden?", "où êtes-vous situés ?") uses a parcel question's words ("where are", "wo
# ist"), and the bot asked which order a customer meant who had asked about none. A place of
# the shop's, after a where-question and at most three words that are neither the customer's
# own nor a parcel ("where is my order from your warehouse" still asks about the order).
_WHERE_IS = (
    r"(?:where(?:'?s| is| are|'re)|d[oó]nde (?:est[aá]n?|quedan?|se encuentra\w*)"
    r"|wo (?:ist|sind|befinde[nt]|liegt)|o[uù] (?:est|sont|se trouve\w*)"
    r"|onde (?:est[aá]o?|fica[mr]?|se encontra\w*))"
)
_NOT_MINE = (
    r"(?!(?:my|mi|mis|mein\w*|mon|ma|mes|meus?|minhas?|orders?|parcels?|packages?|pedidos?"
    r"|paquetes?|bestellung\w*|pakete?|commandes?|colis|encomendas?|pacotes?)\b)"
)
_SHOP_PLACE = (
    r"(?:stores?|shops?|offices?|showrooms?|warehouses?|locations?|branch(?:es)?|headquarters"
    r"|hq|outlets?|tiendas?|local(?:es)?|oficinas?|sucursal(?:es)?|almac[eé]n(?:es)?|sede"
    r"|l[aä]den|gesch[aä]ft\w*|filiale\w*|b[uü]ro\w*|lager|sitz|standort\w*"
    r"|magasins?|boutiques?|bureaux?|entrep[oô]ts?|si[eè]ge|agences?"
    r"|lojas?|escrit[oó]rios?|armaz[eé]m|armaz[eé]ns|filia(?:l|is))\b"
)
# "Where are you (located)?", "¿dónde están ubicados?", "wo sind Sie?", "où êtes-vous ?",
# "onde vocês ficam?": asked of the shop, never of a parcel ("where are you with my order?"
# asks about the order, so only a question that ends there counts).
_WHERE_YOU = (
    r"(?:where(?:'re| are) (?:you|y'?all)(?: guys| folks)?(?: (?:located|based|situated))?"
    r"|d[oó]nde (?:est[aá]n|se encuentran|quedan)(?: ustedes)?(?: (?:ubicad|situad)\w*)?"
    r"|wo (?:sind|befinden) (?:sie|ihr)(?: sich)?(?: ans[aä]ssig)?"
    r"|o[uù] (?:[eê]tes|vous trouvez)[- ]vous(?: (?:situ|bas|instal)\w*)?"
    r"|onde (?:voc[eê]s )?(?:est[aã]o|ficam)(?: voc[eê]s)?(?: (?:localizad|situad)\w*)?)"
    r"(?=\s*(?:[?.!,;]|$))"
)
THE_SHOP = re.compile(
    rf"\b(?:{_WHERE_IS}(?:\s+{_NOT_MINE}[\w'-]+){{0,3}}?\s+{_SHOP_PLACE}|{_WHERE_YOU})",
    re.IGNORECASE,
)


def is_late(text: str) -> bool:
    """``text`` says a parcel is late or missing, or asks where or when it comes; a question
    about where the shop is (``THE_SHOP``) is none of these."""
    return LATE.search(THE_SHOP.sub(" ", text)) is not None


def asks_where_the_shop_is(text: str) -> bool:
    """``text`` asks where the shop is and names no parcel: the intent model reads "where
    are you located?" as a status question (0.65), which would ask for an order number."""
    if THE_SHOP.search(text) is None:
        return False
    rest = THE_SHOP.sub(" ", text)
    return LATE.search(rest) is None and PARCEL.search(rest) is None


# A question before buying: "do you ship to Canada?", "¿hacen envíos a México?", "liefern Sie
# nach Österreich?", "livrez-vous en Belgique ?", "vocês entregam em Portugal?", "how long
# does delivery take if I order today?". The model reads them as delivery questions (0.58),
# and the bot asked "which order is this about?" of a customer who has none (held-out set 9):
# an article or a person answers them.
BEFORE_BUYING = re.compile(
    r"\b(?:do|does|can|could|will) (?:you|y'?all|your (?:shop|store|company))(?: guys)?"
    r" (?:also |even |still )?(?:ship|deliver|send|post)\w* (?:to|in|within|internationally"
    r"|abroad|overseas|outside)\b"
    r"|\bif i (?:order|buy|purchase|place an order)\b"
    r"|\b(?:hacen|hac[eé]is|realizan) env[ií]os\b|\benv[ií]an (?:a|al|fuera)\b"
    r"|\bsi (?:pido|compro|hago un pedido)\b"
    r"|\b(?:liefern|versenden|verschicken) (?:sie|ihr)(?: auch)? (?:nach|in|ins)\b"
    r"|\bwenn ich (?:heute |jetzt )?bestelle\b"
    r"|\b(?:livrez|exp[ée]diez|envoyez)[- ]vous\b|\bsi je commande\b"
    r"|\bvoc[eê]s (?:entregam|enviam|mandam|fazem envios?)\b"
    r"|\bse eu (?:encomendar|comprar|fizer (?:uma|um) (?:encomenda|pedido))\b",
    re.IGNORECASE,
)
# The customer's own parcel, which a question before buying never names.
MINE = re.compile(
    r"\b(?:my|our|mi|mis|nuestro|mein\w*|unser\w*|mon|ma|mes|notre|meus?|minhas?|nosso)\s+"
    r"(?:order|parcel|package|delivery|shipment|pedido|paquete|env[ií]o|bestellung|paket"
    r"|lieferung|sendung|commande|colis|livraison|encomenda|pacote|entrega)\b",
    re.IGNORECASE,
)


def asks_before_buying(text: str) -> bool:
    """``text`` asks what the shop does before an order exists ("do you ship to Canada?")
    and names no parcel of the customer's."""
    return BEFORE_BUYING.search(text) is not None and MINE.search(text) is None


def asks_status_apart(text: str) -> bool:
    """A clause of its own asks where a parcel is ("where is my order 1042 and can you send
    the invoice?"): late or missing words, a parcel's noun or number, and no action asked."""
    return any(
        is_late(clause) and PARCEL.search(clause) and not asked_for(clause)
        for clause in CLAUSES.split(text)
    )


# A parcel said to have come: "it finally arrived", "got 10235 today", "llegó", "ist
# angekommen", "est arrivée", "chegou". ``says_arrived`` drops the mentions that say it has
# not, or ask whether it has.
ARRIVED = any_of(
    r"(?:arrived|came|turned up|showed up|got here)\b",
    r"(?:got|received) (?:it|them|(?:my|the) (?:order|parcel|package)|#?\d{3,})",
    r"lleg[oó]\b",
    r"ha llegado",
    r"angekommen",
    r"arriv(?:é|ee)e?s?\b",  # French "arrivée", not English "arrive"
    r"re[çc]ue?s?\b",
    r"chegou",
    r"recebi\b",
)
# Before an "arrived", words that say it has not, or may yet ("hasn't arrived", "should have
# arrived", "noch nicht angekommen", "n'est pas arrivée", "ainda não chegou").
NOT_YET = re.compile(
    r"\b(?:not|never|no|nothing|nicht|nie|nichts|noch|kein\w*|pas|jamais|rien|toujours|n[aã]o"
    r"|nunca|nada|todav[ií]a|a[uú]n|still|yet|should|supposed|due|when|will|if|until|wenn"
    r"|quand|cuando|quando|si|se|ob|ainda)\b|n['\u2019]t\b",
    re.IGNORECASE,
)


def says_arrived(text: str) -> bool:
    """``text`` says, not asks, that a parcel has come: a statement with an "arrived" that no
    negation or doubt comes just before."""
    for sentence in re.split(r"(?<=[.!?;\n])", text):
        if sentence.rstrip().endswith("?"):
            continue
        for match in ARRIVED.finditer(sentence):
            if not NOT_YET.search(sentence[max(0, match.start() - 30) : match.start()]):
                return True
    return False
