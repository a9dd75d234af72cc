"""The built-in templates in the other shipped languages (``replies.locale.LANGUAGES``).

A reply goes out in the customer's language when the template in use is the built-in one;
a template the shop has edited is sent as the shop wrote it (its words are theirs, and a
translation of the old text would contradict them). Each translation declares the English
template's tokens (a meta-test holds them to it), so any language renders from the same values.
"""

from __future__ import annotations

import functools

from minidesk.replies.languages import de, es, fr, pt
from minidesk.replies.spec import DEFAULT_CHANNEL, Body, TemplateSpec

BODIES: dict[str, dict[str, tuple[str, str, str]]] = {
    "es": es.BODIES,
    "de": de.BODIES,
    "fr": fr.BODIES,
    "pt": pt.BODIES,
}
# The bot's signature.
TEAM = {
    "en": "The {shop} team",
    "es": "El equipo de {shop}",
    "de": "Ihr {shop}-Team",
    "fr": "L'équipe {shop}",
    "pt": "A equipa {shop}",
}


@functools.cache
def translated(key: str, language: str) -> TemplateSpec | None:
    """The built-in template ``key`` in ``language``, or None when not translated."""
    from minidesk.replies.defaults import DEFAULTS, SIGN_OFF

    found = BODIES.get(language, {}).get(key)
    english = DEFAULTS.get(key)
    if found is None or english is None:
        return None
    subject, body, cta = found
    channels = {DEFAULT_CHANNEL: Body(body=body + SIGN_OFF, cta=cta, subject=subject)}
    return TemplateSpec(
        key=english.key, name=english.name, tokens=english.tokens, variants={"A": channels}
    )
