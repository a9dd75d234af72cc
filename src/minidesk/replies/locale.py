"""Values in the customer's language: money and dates formatted for the locale (Babel, the
CLDR data every Python project localises with), and which of the shipped languages a message's
detected language maps to.

A flow hands ``Money`` and ``datetime.date`` values to a reply as they are; they become text
only here, when the reply's language is known ("$24.00" / "24,00 $" / "24,00 €"; "Thu 12
June" / "jueves, 12 de junio").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from babel.dates import format_date
from babel.numbers import format_currency, get_currency_precision

from minidesk.commerce.money import Money, format_money
from minidesk.policies.calendar import show_date

DEFAULT_LANGUAGE = "en"
# The languages the built-in templates are written in (replies.languages).
LANGUAGES = ("en", "es", "de", "fr", "pt")
# CLDR locale per language: the region only picks conventions (decimal comma, date order).
LOCALES = {"en": "en_US", "es": "es_ES", "de": "de_DE", "fr": "fr_FR", "pt": "pt_PT"}
# Weekday, day and month in words and no year, as show_date does in English.
DAY_PATTERNS = {
    "es": "EEEE d 'de' MMMM",
    "de": "EEEE, d. MMMM",
    "fr": "EEEE d MMMM",
    "pt": "EEEE, d 'de' MMMM",
}


class NotGiven:
    """A date nobody has given yet (a carrier without an ETA), said in the reply's words."""

    WORDS = {
        "en": "a date the carrier has not given yet",
        "es": "día que el transportista aún no ha confirmado",
        "de": "Tag, den der Versender noch nicht bestätigt hat",
        "fr": "jour que le transporteur n'a pas encore confirmé",
        "pt": "numa data que a transportadora ainda não indicou",
    }


NOT_GIVEN = NotGiven()


class BusinessDays:
    """A span of business days ("5-10 business days"), said in the reply's words."""

    WORDS = {
        "en": "{low}-{high} business days",
        "es": "de {low} a {high} días hábiles",
        "de": "{low} bis {high} Werktage",
        "fr": "{low} à {high} jours ouvrés",
        "pt": "{low} a {high} dias úteis",
    }

    def __init__(self, low: int, high: int) -> None:
        self.low, self.high = low, high

    def words(self, language: str) -> str:
        return self.WORDS[language].format(low=self.low, high=self.high)

    def __str__(self) -> str:
        return self.words(DEFAULT_LANGUAGE)


def _plain(text: str) -> str:
    # CLDR puts no-break spaces in "24,00 €" and "12 juin"; one of them makes an SMS UCS-2
    # (70 characters a segment instead of 160), and no reader can tell them apart.
    return text.replace("\xa0", " ").replace("\u202f", " ")


def supported(language: str | None) -> str | None:
    """``language`` ("es", "pt-BR", "DE") as one of ``LANGUAGES``, or None."""
    if not language:
        return None
    base = language.replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else None


def show_money(money: Money, language: str) -> str:
    if language == DEFAULT_LANGUAGE:
        return format_money(money)  # "$24.00", as English replies always read
    digits = get_currency_precision(money.currency)
    amount = money.amount_minor / 10**digits
    return _plain(format_currency(amount, money.currency, locale=LOCALES[language]))


def show_day(day: dt.date, language: str) -> str:
    if language == DEFAULT_LANGUAGE:
        return show_date(day)
    return _plain(format_date(day, DAY_PATTERNS[language], locale=LOCALES[language]))


def localise(values: Mapping[str, Any], language: str) -> dict[str, Any]:
    """``values`` with each ``Money`` and date as text in ``language``."""
    shown: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, Money):
            shown[key] = show_money(value, language)
        elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            shown[key] = show_day(value, language)
        elif isinstance(value, NotGiven):
            shown[key] = NotGiven.WORDS[language]
        elif isinstance(value, BusinessDays):
            shown[key] = value.words(language)
        else:
            shown[key] = value
    return shown
