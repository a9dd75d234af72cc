"""Training rows that name what was bought, not just "the order".

Bitext's requests say "my order", "the purchase", "the package": its templates never name a
product. Real customers do ("where is my jacket?", "cancel the kettle", "the wallet I bought
is falling apart, I want my money back"), and to a model trained on the corpus alone the
product's words are unseen n-grams that pull every intent's score down: half of such first
messages came out ``unknown`` (issue 11). So ``build_default`` adds, for each corpus row about
an order that says which one by a word like "order", a copy where that word is a product
from a broad, generic list (clothes, home, kitchen, electronics, toys, garden, beauty, sport).
The model then learns the request's shape around *any* noun there.

The list is generic on purpose: it names no shop's catalogue, and the products used to
measure the effect (``tests/triage/test_triage_products.py``) are not in it. Deterministic:
the same rows give the same copies.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

from minidesk.triage.data import Example

# Intents whose requests are about one order and read the same with a product named.
ORDER_INTENTS = frozenset(
    {
        "order_status",
        "order_late",
        "delivery_time",
        "cancel_order",
        "refund",
        "refund_status",
        "return",
        "invoice",
        "address_change",
    }
)
PRODUCTS = (
    "t-shirt", "hoodie", "sweater", "winter coat", "sandals", "socks", "hat", "gloves",
    "belt", "handbag", "watch", "necklace", "earrings", "perfume", "shampoo", "face cream",
    "towel set", "bed sheets", "duvet", "pillow", "mattress", "armchair", "dining table",
    "mirror", "wall clock", "plant pot", "cutlery set", "dinner plates", "wine glasses",
    "saucepan", "knife set", "cutting board", "electric toothbrush", "hair dryer",
    "bluetooth speaker", "keyboard", "mouse", "laptop stand", "charger", "usb cable",
    "tablet", "camera", "smartwatch", "game console", "board game", "jigsaw puzzle",
    "toy car", "doll", "building blocks", "cookbook", "notebook", "pens", "paint set",
    "guitar strings", "tent", "sleeping bag", "fishing rod", "dumbbells", "stroller",
    "baby monitor", "dog bed", "cat tree", "vacuum cleaner", "iron", "desk fan", "heater",
    "air purifier", "rice cooker", "juicer", "espresso machine", "skincare kit", "trainers",
    "raincoat", "pyjamas", "swimsuit", "sofa", "bedside table", "bath mat", "shower curtain",
    "lawn mower", "watering can", "bird feeder", "phone", "earbuds", "printer ink",
)  # fmt: skip
# "my order", "the purchase #{{Order Number}}", "this package": the word that says which
# order, with the determiner before it (kept) and a number after it (kept: "my hoodie 1042"
# reads as customers write it).
_ORDER_WORD = re.compile(
    r"\b(my|the|this|that|an|a)\s+(order|purchase|package|parcel|item|product|shipment|"
    r"articles?|goods)\b",
    re.IGNORECASE,
)


def with_products(examples: Sequence[Example], seed: int = 11) -> list[tuple[int, Example]]:
    """One copy of each order row that names its order by a word, with a product there;
    returned with the index of the row it was made from (the caller keeps them together,
    e.g. in one calibration fold)."""
    rng = random.Random(seed)
    copies: list[tuple[int, Example]] = []
    for index, example in enumerate(examples):
        if example.label not in ORDER_INTENTS:
            continue
        match = _ORDER_WORD.search(example.text)
        if match is None:
            continue
        determiner = match.group(1)
        if determiner.lower() in ("a", "an"):
            determiner = "my"  # "an order" → "my sofa": "a sofa" would be a new purchase
        product = rng.choice(PRODUCTS)
        text = f"{example.text[: match.start()]}{determiner} {product}{example.text[match.end() :]}"
        copies.append((index, Example(text, example.label)))
    return copies
