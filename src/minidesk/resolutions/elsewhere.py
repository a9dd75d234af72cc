"""Whether a customer asks for their money anywhere but the order's own payment method.

POLICIES.md: a refund goes to the order's original payment method, and "a request to send it
elsewhere is handed off". Read at the request and again at the confirmation: "YES REFUND, but
please put it on my Mastercard ending 5454, the Visa is closed" carried the token, and the
bot refunded the closed Visa it had offered (held-out set 9). Three ways to say elsewhere:

- a method that is not the order's: "my new card", "PayPal", "por Pix", "auf meine neue
  Karte" (``OTHER_METHOD``), or a card brand other than the order's ("my Mastercard" on a
  Visa order);
- a card number other than the order's: "ending 5454" when the offer named 4242;
- the order's own method said to be gone: "the Visa is closed", "mi tarjeta está caducada".
  The money would bounce or reach an account the customer no longer holds: a person checks.
"""

from __future__ import annotations

import re

from minidesk.commerce.connector import PaymentRecord

OTHER_METHOD = re.compile(
    r"\b(?:other|another|different|new|second|my (?:new|other)) (?:card|account|bank|method)\b"
    r"|\b(?:paypal|venmo|bank transfer|wire|store credit|gift card|cash|iban|zelle)\b"
    # es
    r"|\b(?:otra|nueva|distinta|diferente|segunda) (?:tarjeta|cuenta)\b"
    r"|\b(?:tarjeta|cuenta) (?:nueva|distinta|diferente)\b|\btransferencia\b|\bbizum\b"
    r"|\befectivo\b|\btarjeta regalo\b|\bsaldo (?:en|de) la tienda\b"
    # de
    r"|\b(?:andere|anderes|anderen|neue|neuen|neues|zweite|zweiten) (?:karte|kreditkarte"
    r"|konto|bankkonto|zahlungsart|zahlungsmethode)\b|\b[uü]berweisung\b|\bgutschein\b"
    r"|\bbargeld\b|\bin bar\b"  # not "bar" alone: a towel bar, a bar stool
    # fr
    r"|\b(?:autre|nouvelle|nouveau|deuxi[eè]me) (?:carte|compte|moyen)\b"
    r"|\bcarte (?:nouvelle|diff[eé]rente)\b|\bvirement\b|\bbon d'achat\b|\besp[eè]ces\b"
    r"|\bcarte cadeau\b"
    # pt
    r"|\b(?:outro|outra|novo|nova|segundo) (?:cart[aã]o|conta|m[eé]todo)\b"
    r"|\b(?:cart[aã]o|conta) (?:novo|nova|diferente)\b|\btransfer[eê]ncia\b|\bpix\b"
    r"|\bmb ?way\b|\bdinheiro vivo\b|\bvale[- ]presente\b",
    re.IGNORECASE,
)
# Card brands and wallets, each under one spelling (``_plain``) to compare with the order's.
BRAND = re.compile(
    r"\b(?:visa|master ?card|amex|american express|discover card|diners(?: club)?|jcb"
    r"|union ?pay|apple pay|google pay|klarna|afterpay)\b",
    re.IGNORECASE,
)
SAME_BRAND = {"amex": "americanexpress", "diners": "dinersclub", "discovercard": "discover"}
# Four digits named as a card's end: "ending 5454", "ending in 5454", "**** 5454", "last four
# 5454", "terminada en 5454", "endet auf 5454", "se terminant par 5454", "final 5454".
CARD_END = re.compile(
    r"(?:\bending(?: in| with)?|\bends(?: in| with)?|\blast (?:4|four)(?: digits)?|\*{2,}|x{4}"
    r"|\bterminad[ao] en|\btermina(?:do|da)? em|\bfinalizad[ao] em|\bendet auf|\bendend auf"
    r"|\bse terminant par|\bfinissant par)[\s:#*x]*(\d{4})\b",
    re.IGNORECASE,
)
# The payment method said to be unusable, in the same clause: "the Visa is closed", "my card
# was stolen", "tarjeta cancelada", "Karte ist gesperrt", "carte expirée". Not a shop account
# ("my account is closed"), and not across a comma ("refund my card, I cancelled the order").
GONE = re.compile(
    r"\b(?:card|visa|master ?card|amex|bank(?: account)?|tarjeta|karte|kreditkarte|bankkonto"
    r"|carte|cart[aã]o)\b[^.?!;,\n]{0,30}?\b(?:closed|cancell?ed|expired|lost|stolen|blocked"
    r"|frozen|deactivated|no longer (?:active|valid|works?|exists?|open)"
    r"|cerrad[ao]|cancelad[ao]|caducad[ao]|bloquead[ao]|robad[ao]|perdid[ao]|vencid[ao]"
    r"|gesperrt|gek[uü]ndigt|abgelaufen|gestohlen|verloren|aufgel[oö]st"
    r"|ferm[ée]e?|expir[ée]e?|bloqu[ée]e?|vol[ée]e?|perdue?|r[ée]sili[ée]e?"
    r"|encerrad[ao]|expirad[ao]|roubad[ao])\b",
    re.IGNORECASE,
)


def _plain(name: str) -> str:
    flat = re.sub(r"[\s-]+", "", name.lower())
    return SAME_BRAND.get(flat, flat)


def asks_elsewhere(text: str, payment: PaymentRecord | None) -> bool:
    """Whether ``text`` asks for the money anywhere but ``payment``'s method (None: the order
    has no payment on record, so any method named is another)."""
    own = _plain(payment.method) if payment else ""
    if any(_plain(found[0]) != own for found in OTHER_METHOD.finditer(text)):
        return True  # a wallet that is the order's own ("refund my PayPal") is not elsewhere
    if any(_plain(found[0]) != own for found in BRAND.finditer(text)):
        return True
    last4 = payment.last4 if payment else ""
    if any(found[1] != last4 for found in CARD_END.finditer(text)):
        return True
    return GONE.search(text) is not None
