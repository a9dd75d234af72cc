"""The answer to "which order?" that names no order ("the one from last week", "no idea", "the
blue one" among several) goes to a person as unclear, with what was asked and answered: it
used to be labelled ``order.not_yours``, which told the agent something false. A number that
is someone else's order stays ``order.not_yours``."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast, inbound
from tests.resolutions.conftest import kinds, templates
from tests.resolutions.shop import ANA

from minidesk.db import Database
from minidesk.desk.models import Direction, Message


def _notes(database: Database, number: int) -> list[str]:
    with database.sessions() as session:
        return list(
            session.scalars(
                select(Message.text).where(
                    Message.ticket_id == number, Message.direction == Direction.NOTE
                )
            )
        )


def _asked_then_answered(client: TestClient, cast: Cast, first: str, answer: str) -> int:
    number = int(
        str(inbound(client, cast.shop, first, "m1", email=ANA, thread="t")["ticket_number"])
    )
    inbound(client, cast.shop, answer, "m2", email=ANA, thread="t")
    return number


@pytest.mark.parametrize(
    ("first", "answer"),
    [
        ("where is my parcel?", "the one from last week"),
        ("where is my parcel?", "no idea, the blue one"),
        ("¿dónde está mi pedido?", "el de la semana pasada"),
        ("wo bleibt meine Bestellung?", "keine Ahnung, die von letzter Woche"),
        ("où est ma commande ?", "celle de la semaine dernière"),
        ("onde está a minha encomenda?", "não sei, a da semana passada"),
    ],
)
def test_an_answer_naming_no_order_is_unclear_not_someone_elses(
    first: str, answer: str, client: TestClient, cast: Cast, shop: Database
) -> None:
    number = _asked_then_answered(client, cast, first, answer)
    assert templates(shop, number)[0] == "ask_order"
    [handed] = kinds(shop, number, "resolution.handed_off")
    assert handed["rule"] == "order.unclear"
    [note] = [note for note in _notes(shop, number) if note.startswith("Handed off")]
    assert "which order" in note and answer in note
    assert "not_yours" not in note
    assert kinds(shop, number, "commerce.") == []


def test_someone_elses_number_given_as_the_answer_stays_not_yours(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    number = _asked_then_answered(client, cast, "where is my parcel?", "order 30001")
    [handed] = kinds(shop, number, "resolution.handed_off")
    assert handed["rule"] == "order.not_yours"
