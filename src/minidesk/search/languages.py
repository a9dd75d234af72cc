"""Which stemmer a text gets: a ticket's language code → PostgreSQL text-search configuration.

SQLite's FTS5 ships one stemmer (Porter, English): every ticket is tokenized with ``porter
unicode61 remove_diacritics 2``, and a ticket in another language also gets its words stemmed
by Snowball (``search.stemming``) into a column of stems. PostgreSQL stems each ticket in its
own language and a query is parsed in each language the tickets have (``tsquery``).
"""

from __future__ import annotations

# ISO 639-1 code → a configuration every PostgreSQL ships; anything else is ``simple``
# (lower-cased words, no stemming, no stop words).
REGCONFIGS: dict[str, str] = {
    "da": "danish",
    "de": "german",
    "en": "english",
    "es": "spanish",
    "fi": "finnish",
    "fr": "french",
    "it": "italian",
    "nl": "dutch",
    "no": "norwegian",
    "pt": "portuguese",
    "sv": "swedish",
}
FALLBACK = "simple"
# ISO 639-1 code → the Snowball stemmer SQLite's index stems a ticket with before FTS5 sees it
# (``search.stemming``); English is left to FTS5's own Porter tokenizer.
SNOWBALL: dict[str, str] = {code: config for code, config in REGCONFIGS.items() if code != "en"}

# Accented letters PostgreSQL folds before indexing (``translate``, no extension needed);
# Python's ``query.fold`` strips every combining mark, which covers these and more.
ACCENTED = "áàâäãåāéèêëēíìîïīóòôöõøōúùûüūñçýÿÁÀÂÄÃÅĀÉÈÊËĒÍÌÎÏĪÓÒÔÖÕØŌÚÙÛÜŪÑÇÝŸ"
PLAIN = "aaaaaaaeeeeeiiiiiooooooouuuuuncyyaaaaaaaeeeeeiiiiiooooooouuuuuncyy"
assert len(ACCENTED) == len(PLAIN)


def regconfig(language: str | None) -> str:
    return REGCONFIGS.get((language or "")[:2].lower(), FALLBACK)
