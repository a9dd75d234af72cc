"""Which stemmer a text gets: a ticket's language code → PostgreSQL text-search configuration.

SQLite's FTS5 ships one stemmer (Porter, English) and no stemmer library is installed, so
SQLite indexes every language with ``porter unicode61 remove_diacritics 2``: accents are
folded for all, plurals stemmed for English only. PostgreSQL stems each ticket in its own
language and a query is parsed in each language the tickets have (``tsquery``).
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

# Accented letters PostgreSQL folds before indexing (``translate``, no extension needed);
# Python's ``query.fold`` strips every combining mark, which covers these and more.
ACCENTED = "áàâäãåāéèêëēíìîïīóòôöõøōúùûüūñçýÿÁÀÂÄÃÅĀÉÈÊËĒÍÌÎÏĪÓÒÔÖÕØŌÚÙÛÜŪÑÇÝŸ"
PLAIN = "aaaaaaaeeeeeiiiiiooooooouuuuuncyyaaaaaaaeeeeeiiiiiooooooouuuuuncyy"
assert len(ACCENTED) == len(PLAIN)


def regconfig(language: str | None) -> str:
    return REGCONFIGS.get((language or "")[:2].lower(), FALLBACK)
