"""Sums written in words before a currency: "fifty dollars", "twenty-five euros", "a hundred
bucks", "cincuenta dólares", "fünfundzwanzig Euro", "quatre-vingt-dix euros", "vinte e cinco
reais". Read as digits only, "would it be possible to get fifty dollars back?" named no
amount and went to a person as an unknown request (held-out set 9).

Whole numbers up to 999 in English, Spanish, German, French and Portuguese: the sums a
customer spells out. Each word adds its value ("twenty" + "five", "soixante" + "dix") and a
hundred multiplies what came before it ("two hundred"); German writes the units first in one
word ("fünfundzwanzig"), which is split at its "und".
"""

from __future__ import annotations

import re

_ONES = {
    "en": "zero one two three four five six seven eight nine ten eleven twelve thirteen"
    " fourteen fifteen sixteen seventeen eighteen nineteen",
    "es": "cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce"
    " quince dieciséis diecisiete dieciocho diecinueve",
    "de": "null eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf dreizehn"
    " vierzehn fünfzehn sechzehn siebzehn achtzehn neunzehn",
    "fr": "zéro un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze"
    " quinze seize dix-sept dix-huit dix-neuf",
    "pt": "zero um dois três quatro cinco seis sete oito nove dez onze doze treze catorze"
    " quinze dezasseis dezassete dezoito dezanove",
}
_TENS = {
    "en": "twenty thirty forty fifty sixty seventy eighty ninety",
    "es": "veinte treinta cuarenta cincuenta sesenta setenta ochenta noventa",
    "de": "zwanzig dreißig vierzig fünfzig sechzig siebzig achtzig neunzig",
    "fr": "vingt trente quarante cinquante soixante septante quatre-vingts nonante",
    "pt": "vinte trinta quarenta cinquenta sessenta setenta oitenta noventa",
}
_VALUES: dict[str, int] = {}
for _words in _ONES.values():
    _VALUES.update({word: value for value, word in enumerate(_words.split())})
for _words in _TENS.values():
    _VALUES.update({word: 10 * (value + 2) for value, word in enumerate(_words.split())})
_VALUES.update(
    {
        # Other spellings and genders: "a hundred", "una", "ein", "une", "uma", "duas", Brazil's
        # teens, "quatre-vingt", Spanish 21-29 in one word.
        "a": 1, "an": 1, "una": 1, "un": 1, "ein": 1, "eine": 1, "une": 1, "uma": 1,
        "duas": 2, "dezesseis": 16, "dezessete": 17, "dezenove": 19, "quatre-vingt": 80,
        "veintiuno": 21, "veintiún": 21, "veintidós": 22, "veintitrés": 23, "veinticuatro": 24,
        "veinticinco": 25, "veintiséis": 26, "veintisiete": 27, "veintiocho": 28,
        "veintinueve": 29,
    }
)  # fmt: skip
_HUNDREDS = {"hundred", "cien", "ciento", "hundert", "cent", "cents", "cem", "cento"}
# Spanish and Portuguese hundreds in one word.
_WHOLE_HUNDREDS = {
    "doscientos": 200, "trescientos": 300, "cuatrocientos": 400, "quinientos": 500,
    "duzentos": 200, "trezentos": 300, "quatrocentos": 400, "quinhentos": 500,
}  # fmt: skip
_JOINERS = {"and", "y", "und", "et", "e"}
_WORD = "|".join(
    sorted((re.escape(w) for w in (*_VALUES, *_HUNDREDS, *_WHOLE_HUNDREDS)), key=len, reverse=True)
)
# German units before their tens in one word: "fünfundzwanzig", "einundvierzig" (and not
# any word with "und" in it: "Kunden zwanzig Euro" is twenty).
_GERMAN_COMPOUND = (
    r"(?:ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun)und"
    r"(?:zwanzig|dreißig|vierzig|fünfzig|sechzig|siebzig|achtzig|neunzig)"
)
_CURRENCY = r"dollars?|bucks|euros?|pounds|d[oó]lares|reais"
# Any currency word at all: most messages have none, and skip the pattern below.
CURRENCY_WORD = re.compile(r"dollar|buck|euro|pound|d[oó]lar|reais", re.IGNORECASE)
# Words of a number (or German compounds of them), then the currency word.
WORD_AMOUNT = re.compile(
    rf"(?<![\w-])(?P<number>(?:(?:{_GERMAN_COMPOUND}|{_WORD})"
    rf"(?:[\s-]+(?:{'|'.join(_JOINERS)})?[\s-]*)?)+?)"
    rf"\s*(?P<currency>{_CURRENCY})\b",
    re.IGNORECASE,
)


def value(words: str) -> int | None:
    """The number ``words`` spell ("twenty-five" → 25, "two hundred and ten" → 210), or None
    when they are not one."""
    total, current = 0, 0
    # "quatre-vingt(s)" is one word of 80, hyphen and all ("quatre-vingt-dix": 90).
    folded = re.sub(r"quatre-vingts?", "quatre-vingt", words.casefold()).replace(
        "quatre-vingt", "quatre_vingt"
    )
    pieces = [p.replace("_", "-") for p in re.split(r"[\s-]+", folded) if p and p not in _JOINERS]
    if not pieces or pieces in (["a"], ["an"]):
        return None
    for piece in pieces:
        if piece in _HUNDREDS:
            total += (current or 1) * 100
            current = 0
        elif piece in _WHOLE_HUNDREDS:
            total += _WHOLE_HUNDREDS[piece]
        elif piece in _VALUES:
            current += _VALUES[piece]
        elif "und" in piece:  # German: "fünfundzwanzig" is five and twenty
            parts = piece.split("und")
            if len(parts) != 2 or any(part not in _VALUES for part in parts):
                return None
            current += _VALUES[parts[0]] + _VALUES[parts[1]]
        else:
            return None
    found = total + current
    return found if 0 < found < 1000 else None


def in_digits(text: str) -> str:
    """``text`` with each sum in words written in digits ("fifty dollars" → "50 dollars"), so
    patterns written for digits read it too."""
    if not CURRENCY_WORD.search(text):
        return text

    def digits(found: re.Match[str]) -> str:
        number = value(found["number"])
        return found[0] if number is None else f"{number} {found['currency']}"

    return WORD_AMOUNT.sub(digits, text)
