"""Which of a customer's orders (or of an order's items) a message names by product.

Shoppers name the product, and rarely in full: "where's my rug?" for a "Wool rug", "the
bonsai came dead" for a "Bonsai kit", "das Bonsai-Set". A full item name in the text names its
item; failing that, a word of an item's name names it when no other candidate has that word
("rug" is the rug's alone, "wool" is shared with the wool scarf, so it names neither). Words
count whole ("rug" in "rugs", never in "drug"), and words customers use for anything ("can",
"set", "card", "order") never name an item: a "Watering can" is not what "can I" means.

When no word of any name is in the text ("¿dónde está mi alfombra?", "le jouet"), the
sentence encoder may still tell which candidate a phrase means (``item_meanings``): only one
clear winner counts, and doubt names nothing, as before.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from minidesk.resolutions.item_meanings import closest

# Shorter full names ("Hat", "Mug") are too often plain words of the message.
MIN_FULL_NAME = 4
# "Rug", "fan", "toy", "kit": three letters are a product's word often enough.
MIN_WORD = 3
# Words of product names that are also everyday words of a support message, in English (the
# language item names come in from the store) and the other four languages' shortest ones.
COMMON = frozenset(
    re.findall(
        r"\w+",
        """and the for with set can may will one two new all any box pack card gift item items
        order size pair mini max pro plus extra top bag case cover kids men women red blue black
        white green grey gray small large medium big con del les des por para sur une das der
        die und mit""",
    )
)
_WORD = re.compile(r"[^\W\d_]+")


def _fold(text: str) -> str:
    """Lower case without accents: "le bonsaï" names a "Bonsai kit", "creme" a "Crème brûlée
    torch" (shoppers type accents the store did not, and leave out the ones it did)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(text: str) -> set[str]:
    """The text's words, each also without a plural ending ("rugs" -> "rug")."""
    found = set(_WORD.findall(_fold(text)))
    return (
        found
        | {w[:-1] for w in found if w.endswith("s")}
        | {w[:-2] for w in found if w.endswith("es")}
    )


def _name(item: Mapping[str, Any]) -> str:
    return _fold(str(item.get("name", "")).strip())


def named(text: str, candidates: Mapping[str, Sequence[Mapping[str, Any]]]) -> set[str]:
    """The keys of ``candidates`` (each a group of items) whose items the text names: by a
    full item name when any is there, else by a word no other group's names share, else by
    the one group a phrase of the text means in any language."""
    lowered = _fold(text)
    full = {
        key
        for key, items in candidates.items()
        for item in items
        if len(name := _name(item)) >= MIN_FULL_NAME and name in lowered
    }
    if full:
        return full
    owners: dict[str, set[str]] = {}
    for key, items in candidates.items():
        for item in items:
            for word in _WORD.findall(_name(item)):
                if len(word) >= MIN_WORD and word not in COMMON:
                    owners.setdefault(word, set()).add(key)
    said = _words(text)
    if said & owners.keys() or len(candidates) < 2:
        # A word of a name is there (one candidate's, or several's: then it names none).
        return {
            next(iter(keys)) for word, keys in owners.items() if len(keys) == 1 and word in said
        }
    # No word of any name: the encoder's pick counts only when it is one candidate.
    meant = closest(text, candidates, COMMON)
    return meant if len(meant) == 1 else set()


def order_named(text: str, orders: Iterable[Any]) -> str | None:
    """The one order whose items the text names, else None (none, or several)."""
    found = named(text, {order.number: list(order.items) for order in orders})
    return next(iter(found)) if len(found) == 1 else None


def items_named(text: str, items: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The items of one order that the text names."""
    found = named(text, {str(i): [item] for i, item in enumerate(items)})
    return [item for i, item in enumerate(items) if str(i) in found]
