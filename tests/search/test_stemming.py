"""A ticket is stemmed in its own language on both databases (SQLite: Snowball into the
index's stem columns; PostgreSQL: the language's text-search configuration), notes' stems
stay private, and a snippet shows the ticket's words, never its stems."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.search.helpers import found, open_ticket

from minidesk import db
from minidesk.desk.models import Ticket
from minidesk.search import stemming


def test_french_and_portuguese_plurals_find_their_ticket(client: TestClient, cast: Cast) -> None:
    french = open_ticket(client, cast, "Bonjour\nje voudrais un remboursement", language="fr")
    portuguese = open_ticket(client, cast, "Olá\nquero a devolução da encomenda", language="pt")
    assert found(client, cast.olivia, "remboursements") == [french]
    assert found(client, cast.olivia, "encomendas") == [portuguese]


def test_a_phrase_is_matched_in_its_stemmed_form(client: TestClient, cast: Cast) -> None:
    number = open_ticket(client, cast, "Hola\nmi pedido llega tarde", language="es")
    assert found(client, cast.olivia, '"pedidos llegan"') == [number]
    assert found(client, cast.olivia, '"llegan pedidos"') == []


def test_a_ticket_whose_language_changes_is_stemmed_again(client: TestClient, cast: Cast) -> None:
    number = open_ticket(client, cast, "Hola\nmi pedido llegará tarde", language="en")
    assert found(client, cast.olivia, "llegan") == []
    session = db.get_db().write_sessions()
    try:
        session.get_one(Ticket, number).language = "es"
        session.commit()
    finally:
        session.close()
    assert found(client, cast.olivia, "llegan") == [number]


def test_a_stemmed_note_is_found_only_by_those_who_read_notes(
    client: TestClient, cast: Cast
) -> None:
    number = open_ticket(client, cast, "Hola\ndónde está mi pedido", language="es")
    note = client.post(f"/api/v1/tickets/{number}/messages",
                       json={"text": "cliente con reembolsos anteriores", "type": "note"},
                       headers=cast.alice.headers)  # fmt: skip
    assert note.status_code == 201, note.text
    assert found(client, cast.alice, "reembolso") == [number]
    assert found(client, cast.shop, "reembolso") == []
    assert found(client, cast.shop, "pedidos") == [number]


def test_a_snippet_shows_the_ticket_words_not_its_stems(client: TestClient, cast: Cast) -> None:
    open_ticket(client, cast, "Hola\nquiero una devolución del pedido", language="es")
    response = client.get("/api/v1/search", params={"q": "pedido"}, headers=cast.olivia.headers)
    assert response.status_code == 200, response.text
    [hit] = [item for item in response.json()["items"] if item["type"] == "ticket"]
    snippet = hit["snippet"]
    assert "<mark>pedido</mark>" in snippet
    assert "devolu " not in snippet


def test_a_query_word_is_looked_up_as_each_language_stems_it() -> None:
    assert stemming.variants(("pedidos",))[0] == ("pedidos",)
    assert ("ped",) in stemming.variants(("pedidos",))
    assert stemming.stems("Quiero una DEVOLUCIÓN", "es") == "quier una devolu"
    assert stemming.stems("my refund", "en") == ""  # FTS5's Porter tokenizer stems English
    assert stemming.stems("my refund", None) == ""
