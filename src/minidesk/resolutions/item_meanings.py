"""Products named in the customer's language: "¿dónde está mi alfombra?" for a "Wool rug".

Store item names come from the shop in one language; customers write in theirs, so a word of
the item's own name is often nowhere in the message. The multilingual sentence encoder
(``triage.encoder``, the default install's) places "alfombra", "Teppich" and "tapis" near
"rug", and product words far from everyday support words ("pedido", "Bestellung", "gracias").
So each short phrase of the message (a content word, or two with at most two small words
between: "bolsa de lona", "jeu de société") is compared by cosine with each candidate's item
names; a phrase names a candidate only when it is close to it (``FLOOR``) and clearly closer
than to any other candidate (``MARGIN``). Closeness is not proof: a doubtful phrase names
nothing, and the caller then asks which order, as before.

Whole names, not their words: a lone rare word such as "tote" or "stacking" is near many
unrelated words ("kaputt" 0.56 from "tote"): comparing with name words too let everyday
phrases name an item in 17 of 235 catalogue trials where whole names let none, and found
one more product of 146.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from minidesk.triage.encoder import MUSE, EncoderUnavailableError, get_encoder

# Calibrated on 146 product phrases in Spanish, German, French and Portuguese for 42 items of
# five catalogues, and 47 everyday support phrases against each catalogue (docs/intents.md,
# "Products in the customer's language"): a product word and its item's name are mostly
# 0.5-0.9 apart ("Teppich"/"Wool rug" 0.67), and no everyday phrase came within 0.5 of an
# item it would name ("roto"/"Stacking toy" 0.35).
FLOOR = 0.50
# The runner-up must be this much further: "mesa" is 0.56 from a "Table runner" and 0.52 from
# a "Standing desk", which is no evidence for either.
MARGIN = 0.08
# Bounds one message's encoder call (~10 ms of CPU at 32 phrases, ~3 ms at the median 5):
# a long email names its product early; its signature and quoted history carry none.
MAX_PHRASES = 32
# Item-name embeddings kept per process (a catalogue's names repeat across its customers).
CACHE_SIZE = 4096
_WORD = re.compile(r"[^\W\d_]+")
# Words between the two of a phrase: "sac à dos", "caminho de mesa", "bolsa de lona".
MAX_GAP = 2
MIN_WORD = 3
# Function words, and the words every support message has, in the five languages customers
# write: they are never a product on their own (a phrase may still carry them inside).
STOP = frozenset(
    """a an the and or of to in on at for from with by my your our it its is are was were be
    been has have had do does did not no yes this that these those there here what where when
    how why which who can could would will should may might please thanks thank hello hi hey
    dear just still already yet again also very much some any all one get got want need
    order orders package parcel item items product delivery shipping refund return cancel
    el la los las un una unos unas y o de del al en con por para mi mis su sus tu que qué
    es está están era fue ha han he hola gracias ya aún todavía muy pero como cuando donde
    dónde pedido paquete envío producto
    der die das den dem des ein eine einen einem einer und oder von zu im in mit für auf
    ist sind war hat habe ich mein meine meinen meinem mir mich sie ihr bitte danke hallo
    noch schon nicht kein keine wo wann wie bestellung paket lieferung artikel
    le les un une des et ou du au aux en dans avec pour sur mon ma mes ton ta vos votre
    est sont était ai a je vous nous il elle ce cette bonjour merci encore déjà où quand
    commande colis livraison produit article
    o os as um uma uns umas e ou do da dos das no na nos nas em com por para meu minha
    meus minhas seu sua é está são foi tem tenho olá obrigado obrigada ainda já onde
    quando pedido encomenda pacote entrega produto""".split()  # noqa: SIM905
)

_cache: OrderedDict[str, np.ndarray] = OrderedDict()
_cache_lock = threading.Lock()


def phrases(text: str, everyday: frozenset[str] = frozenset()) -> list[str]:
    """The message's candidate product phrases, in order: each content word (not a stop word
    nor one of ``everyday``), and each pair of content words with at most ``MAX_GAP`` words
    between, as written."""
    tokens = [(m.group().lower(), m.start(), m.end()) for m in _WORD.finditer(text)]
    content = [
        i
        for i, (word, _, _) in enumerate(tokens)
        if len(word) >= MIN_WORD and word not in STOP and word not in everyday
    ]
    found: list[str] = []
    for n, i in enumerate(content):
        found.append(tokens[i][0])
        if n + 1 < len(content) and content[n + 1] - i - 1 <= MAX_GAP:
            j = content[n + 1]
            found.append(text[tokens[i][1] : tokens[j][2]].lower())
    return list(dict.fromkeys(found))[:MAX_PHRASES]


def _names(items: Sequence[Mapping[str, Any]]) -> list[str]:
    return [name for item in items if (name := str(item.get("name", "")).strip().lower())]


def closest(
    text: str,
    candidates: Mapping[str, Sequence[Mapping[str, Any]]],
    everyday: frozenset[str] = frozenset(),
) -> set[str]:
    """The keys of ``candidates`` (each a group of items) that a phrase of ``text`` names
    beyond doubt (see the module's docstring); empty when the encoder is not installed.
    Words of ``everyday`` are no phrase on their own ("card" is not a "Gift card")."""
    said = phrases(text, everyday)
    names = {key: _names(items) for key, items in candidates.items()}
    keys = [key for key, named in names.items() if named]
    if not said or len(keys) < 2:
        return set()
    try:
        vectors, embedded = _encode(said, [n for key in keys for n in names[key]])
    except EncoderUnavailableError:
        return set()
    # Each phrase's cosine with each key: its best over that key's item names.
    scores = np.stack(
        [(vectors @ np.stack([embedded[n] for n in names[key]]).T).max(axis=1) for key in keys],
        axis=1,
    )
    ranked = np.sort(scores, axis=1)
    best, second = ranked[:, -1], ranked[:, -2]
    clear = (best >= FLOOR) & (best - second >= MARGIN)
    return {keys[int(k)] for k in scores[clear].argmax(axis=1)}


def _encode(said: list[str], names: list[str]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The phrases' vectors and each name's, in one encoder call for all that are new."""
    with _cache_lock:
        known = {n: _cache[n] for n in names if n in _cache}
        for name in known:
            _cache.move_to_end(name)
    new = [n for n in dict.fromkeys(names) if n not in known]
    vectors = get_encoder(MUSE).encode(said + new)
    fresh = dict(zip(new, vectors[len(said) :], strict=True))
    with _cache_lock:
        _cache.update(fresh)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return vectors[: len(said)], {**known, **fresh}
