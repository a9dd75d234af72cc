"""A parcel that has not come is read as late, in every language the desk speaks, with or
without an order number or a thank-you before it: "my order 10239 still hasn't arrived" was
``cancel_order`` at 0.29 (an order number beside "my order" read like a cancellation), and
the French request was ``unknown`` with or without the thanks.

The default model learns these from our own phrasing per language (``seed_examples.jsonl``);
the messages here are not seed rows, so the test measures what the phrasing generalises to.
"""

from __future__ import annotations

import pytest

from minidesk.triage import analyse, taxonomy
from minidesk.triage.data import SEEDS, load_examples

PARCEL = {taxonomy.ORDER_LATE, taxonomy.ORDER_STATUS, taxonomy.DELIVERY_TIME}
NOT_ARRIVED = [
    "my order 10239 still hasn't arrived",
    "merci, mais ma commande n'est toujours pas arrivée",
    "ma commande n'est toujours pas arrivée",
    "the lamp from order 20417 hasn't reached me yet",
    "mi pedido 10239 todavía no ha llegado",
    "todavía estoy esperando el paquete 30552, no ha venido nadie",
    "Bestellung 10239 ist bis jetzt nicht gekommen",
    "mon colis 77120 n'est jamais arrivé",
    "o pedido 10239 ainda não chegou a minha casa",
]


def test_the_messages_here_are_not_seed_rows() -> None:
    seeds = {example.text.lower() for example in load_examples(SEEDS)}
    assert not seeds & {text.lower() for text in NOT_ARRIVED}


@pytest.mark.parametrize("text", NOT_ARRIVED)
def test_a_parcel_that_has_not_come_is_read_as_a_parcel_question(text: str) -> None:
    result = analyse(text)
    assert result.intent in PARCEL, (result.intent, result.confidence)
