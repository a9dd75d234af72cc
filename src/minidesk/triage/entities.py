"""Entities a support agent looks for: order and tracking numbers, emails, phones, money, dates.

Plain regular expressions, ordered so that a longer, more specific reading wins: a UPS
tracking number is not also reported as a phone number, and "$24.00" is not also an order.
Amounts are integer minor units with an ISO currency, as money is everywhere in minidesk.
"""

from __future__ import annotations

import re
from typing import Any

from minidesk.triage import number_words

ORDER_NUMBERS = "order_numbers"
TRACKING_NUMBERS = "tracking_numbers"
EMAILS = "emails"
PHONES = "phones"
AMOUNTS = "amounts"
DATES = "dates"
KINDS = (ORDER_NUMBERS, TRACKING_NUMBERS, EMAILS, PHONES, AMOUNTS, DATES)

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")

# Carrier formats: UPS 1Z + 16; USPS 20-22 digits or 2 letters + 9 digits + US;
# Royal Mail / international S10 (2 letters, 9 digits, 2 letters); FedEx 12 or 15 digits
# only when a carrier or "tracking" is named nearby (bare 12-digit numbers are too common).
_TRACKING = re.compile(
    r"\b(?:1Z[0-9A-Z]{16}|[A-Z]{2}\d{9}[A-Z]{2}|9[2-5]\d{18,20})\b"
)
_TRACKING_NAMED = re.compile(
    r"(?i:tracking|fedex|dhl|ups|usps|carrier|sendungsnummer|seguimiento|suivi)"
    r"[^0-9\n]{0,25}?\b(\d{10,22})\b"
)
# "#1001", "order 1001", "order no. 1001", "ORD-12345", "pedido 1234", "Bestellung 1234".
_ORDER = re.compile(
    r"(?:(?<![\w&])#\s?(\d{3,12})\b)"
    r"|\b(?i:order|purchase|pedido|orden|compra|encomenda|bestellung|bestellnummer|auftrag"
    r"|commande)"
    r"(?:\s*(?i:number|no\.?|num\.?|nr\.?|id|n[°º]|#|:))*(?:\s+(?i:is|was|es|ist|est))?"
    r"\s*[:#]?\s*([A-Z]{0,4}-?\d{3,20})\b"
    r"|\b([A-Z]{2,4}-\d{3,12})\b"
)
_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "US$": "USD", "C$": "CAD",
            "A$": "AUD", "R$": "BRL", "CHF": "CHF"}
_CODES = "USD|EUR|GBP|CAD|AUD|CHF|JPY|MXN|SEK|NOK|DKK|PLN|BRL"
# A currency's words, after digits here and after spelt-out numbers (``number_words``).
_WORDS = {"dollars": "USD", "dollar": "USD", "euros": "EUR", "euro": "EUR", "pounds": "GBP",
          "bucks": "USD", "dólares": "USD", "dolares": "USD", "reais": "BRL"}
_NUM = r"\d{1,3}(?:[,.' ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_SYMBOL = r"US\$|C\$|A\$|R\$|[$€£¥]"
# The lookahead is what each alternative below starts with (a symbol, a number, a code):
# checked once at every character, it spares trying the four alternatives where none can
# start, which was most of this pattern's cost. It selects no other matches.
_AMOUNT = re.compile(
    rf"(?=\d|{_SYMBOL}|\b(?:{_CODES}))"
    rf"(?:(?P<sym>{_SYMBOL})\s?(?P<n1>{_NUM})"
    rf"|(?P<n2>{_NUM})\s?(?P<sym2>[$€£¥])"
    rf"|(?P<n3>{_NUM})\s?(?P<code>{_CODES}|dollars?|euros?|pounds|bucks|d[oó]lares|reais)\b"
    rf"|\b(?P<code2>{_CODES})\s?(?P<n4>{_NUM}))",
    re.IGNORECASE,
)
_ZERO_DECIMAL = {"JPY"}
_PHONE = re.compile(r"(?<![\w+])(\+?\d[\d\s().-]{7,}\d)(?!\w)")
_MONTHS = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
           r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|enero|febrero|marzo|"
           r"abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|januar|"
           r"februar|märz|mai|juni|juli|oktober|dezember|janvier|février|mars|avril|juin|"
           r"juillet|août|septembre|octobre|novembre|décembre|janeiro|fevereiro|março|maio|"
           r"junho|julho|setembro|outubro|novembro|dezembro")
_WEEKDAYS = (r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|lunes|martes|"
             r"miércoles|miercoles|jueves|viernes|sábado|sabado|domingo|montag|dienstag|"
             r"mittwoch|donnerstag|freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|"
             r"vendredi|samedi|dimanche|segunda(?:-feira)?|terça(?:-feira)?|quarta(?:-feira)?|"
             r"quinta(?:-feira)?|sexta(?:-feira)?")
_ORDINAL = r"(?:st|nd|rd|th|\.|º|er)?"
# Every alternative starts a word (``\b`` or ``(?<!\w)`` before a letter or digit): saying
# so once up front spares trying each of them at every character inside words, which was
# most of this pattern's cost. It selects no other matches.
_DATE = re.compile(
    r"(?<!\w)(?=\w)(?:"
    r"\b\d{4}-\d{2}-\d{2}\b"
    r"|\b\d{1,2}[/.]\d{1,2}[/.](?:\d{4}|\d{2})\b"
    rf"|\b\d{{1,2}}{_ORDINAL}(?: de)? (?i:{_MONTHS})\b(?: (?:de )?\d{{4}})?"
    rf"|\b(?i:{_MONTHS}) \d{{1,2}}(?:st|nd|rd|th)?\b(?:,? \d{{4}})?"
    # A weekday with its day of the month, as people write a promised delivery day:
    # "Saturday the 14th", "el sábado 14", "samedi 14", "Samstag, den 14.", "sábado dia 14".
    rf"|\b(?i:{_WEEKDAYS}),? (?i:the |den |dia |el |le )?\d{{1,2}}{_ORDINAL}(?!\d)"
    # A bare day of the month where the preposition makes it one: "am 14.", "on the 14th",
    # "el día 14", "le 14", "no dia 14".
    r"|(?<!\w)(?i:am) \d{1,2}\.(?!\d)"
    r"|\b(?i:on the|by the|the) \d{1,2}(?:st|nd|rd|th)\b"
    rf"|\b(?i:el día|el dia|le|no dia|dia) \d{{1,2}}\b(?![.,:/]?\d)(?!(?: de)? (?i:{_MONTHS})\b)"
    r"|\b(?i:today|tomorrow|yesterday|hoy|mañana|ayer|heute|morgen|gestern|aujourd'hui|"
    r"demain|hier|hoje|amanhã|ontem)\b"
    r")"
)
# Every pattern but the date's needs a digit (``\d``), the email's an "@": a text without
# one skips them, the common case for a message that quotes no number.
_DIGIT = re.compile(r"\d")


def to_minor(number: str, currency: str) -> int:
    """'1,234.50' or '1.234,50' or '15,50' → minor units (cents)."""
    n = number.replace(" ", "").replace("'", "")
    last_sep = max(n.rfind("."), n.rfind(","))
    # A final separator followed by 1-2 digits is the decimal mark, whichever symbol it is.
    if last_sep >= 0 and len(n) - last_sep - 1 in (1, 2):
        whole, frac = n[:last_sep], n[last_sep + 1:]
    else:
        whole, frac = n, ""
    whole = re.sub(r"[.,]", "", whole) or "0"
    digits = 0 if currency in _ZERO_DECIMAL else 2
    frac = (frac + "00")[:digits]
    return int(whole) * 10**digits + (int(frac) if frac else 0)


def _amounts_in_words(text: str, taken: list[tuple[int, int]]) -> list[dict[str, Any]]:
    """"fifty dollars", "fünfundzwanzig Euro" (``number_words``), where no digits were read."""
    out = []
    for m in number_words.WORD_AMOUNT.finditer(text):
        whole = number_words.value(m["number"])
        if whole is None or not _free(m.span(), taken):
            continue
        currency = _WORDS[m["currency"].lower()]
        digits = 0 if currency in _ZERO_DECIMAL else 2
        out.append({"amount_minor": whole * 10**digits, "currency": currency,
                    "text": m.group(0).strip()})
        taken.append(m.span())
    return out


def _amounts(text: str, taken: list[tuple[int, int]]) -> list[dict[str, Any]]:
    out = []
    for m in _AMOUNT.finditer(text):
        g = m.groupdict()
        number = g["n1"] or g["n2"] or g["n3"] or g["n4"]
        unit = g["sym"] or g["sym2"] or g["code"] or g["code2"] or ""
        currency = _SYMBOLS.get(unit.upper() if len(unit) > 1 else unit) or \
            _WORDS.get(unit.lower()) or unit.upper()
        out.append({"amount_minor": to_minor(number, currency), "currency": currency,
                    "text": m.group(0).strip()})
        taken.append(m.span())
    return out


def _free(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return all(span[1] <= a or span[0] >= b for a, b in taken)


def extract_entities(text: str) -> dict[str, list[Any]]:
    """All entities in ``text``, by kind, in order of appearance; every kind is present."""
    found: dict[str, list[Any]] = {kind: [] for kind in KINDS}
    taken: list[tuple[int, int]] = []
    if "@" in text:
        for m in _EMAIL.finditer(text):
            found[EMAILS].append(m.group(0))
            taken.append(m.span())
    numbered = _DIGIT.search(text) is not None
    if numbered:
        found[AMOUNTS] = _amounts(text, taken)
        _numbers(text, found, taken)
    if number_words.CURRENCY_WORD.search(text):
        found[AMOUNTS] += _amounts_in_words(text, taken)
    for m in _DATE.finditer(text):
        if _free(m.span(), taken):
            found[DATES].append(m.group(0))
            taken.append(m.span())
    if numbered:
        for m in _PHONE.finditer(text):
            digits = re.sub(r"\D", "", m.group(1))
            if 8 <= len(digits) <= 15 and _free(m.span(1), taken):
                found[PHONES].append(m.group(1).strip())
                taken.append(m.span(1))
    return {k: _dedupe(v) for k, v in found.items()}


def _numbers(text: str, found: dict[str, list[Any]], taken: list[tuple[int, int]]) -> None:
    """Tracking and order numbers, after amounts and before dates."""
    for m in _TRACKING.finditer(text):
        if _free(m.span(), taken):
            found[TRACKING_NUMBERS].append(m.group(0))
            taken.append(m.span())
    for m in _TRACKING_NAMED.finditer(text):
        if _free(m.span(1), taken):
            found[TRACKING_NUMBERS].append(m.group(1))
            taken.append(m.span(1))
    for m in _ORDER.finditer(text):
        idx = next(i for i in (1, 2, 3) if m.group(i))
        if _free(m.span(idx), taken):
            found[ORDER_NUMBERS].append(m.group(idx).lstrip("#"))
            taken.append(m.span(idx))


def _dedupe(values: list[Any]) -> list[Any]:
    seen: list[Any] = []
    for v in values:
        if v not in seen:
            seen.append(v)
    return seen
