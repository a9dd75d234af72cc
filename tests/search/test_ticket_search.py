"""`GET /api/v1/tickets?q=`: ranked full-text search with phrases, prefixes, exclusions,
accents and stemming, combined with the list's filters and the team restriction."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.desk.visibility_world import restrict
from tests.search.helpers import found, open_ticket

from minidesk.search import engine


def test_a_word_in_the_subject_ranks_above_one_in_a_long_message(
    client: TestClient, cast: Cast
) -> None:
    buried = open_ticket(client, cast, "Hello there\n" + "I have a question. " * 30 + "parcel")
    titled = open_ticket(client, cast, "Parcel never arrived\nIt was due on Monday.")
    open_ticket(client, cast, "Something else entirely")
    assert found(client, cast.olivia, "parcel") == [titled, buried]


def test_a_quoted_phrase_needs_its_words_together_and_in_order(
    client: TestClient, cast: Cast
) -> None:
    together = open_ticket(client, cast, "Hi\nmy order is late again")
    apart = open_ticket(client, cast, "Hi\nthe late fee on my order")
    assert found(client, cast.olivia, '"order is late"') == [together]
    assert set(found(client, cast.olivia, "order late")) == {together, apart}


def test_a_star_finds_words_that_start_with_it(client: TestClient, cast: Cast) -> None:
    refund = open_ticket(client, cast, "Hi\nI want my money back, a refund please")
    refunded = open_ticket(client, cast, "Hi\nYou refunded the wrong card")
    assert set(found(client, cast.olivia, "refun*")) == {refund, refunded}
    assert found(client, cast.olivia, "refun") == []


def test_a_minus_keeps_out_what_it_names(client: TestClient, cast: Cast) -> None:
    open_ticket(client, cast, "Hi\nbroken zipper on the jacket")
    clean = open_ticket(client, cast, "Hi\nthe jacket is lovely")
    assert found(client, cast.olivia, "jacket -zipper") == [clean]


def test_only_exclusions_are_refused_with_a_precise_problem(client: TestClient, cast: Cast) -> None:
    response = client.get("/api/v1/tickets", params={"q": "-spam"}, headers=cast.olivia.headers)
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"].endswith("/invalid-query")
    assert "only exclusions" in problem["detail"]


def test_accents_do_not_matter_either_way(client: TestClient, cast: Cast) -> None:
    cafe = open_ticket(client, cast, "Hi\nthe café order was cold", language="fr")
    plain = open_ticket(client, cast, "Hi\nthe cafe closes early", language="fr")
    assert set(found(client, cast.olivia, "café")) == {cafe, plain}
    assert set(found(client, cast.olivia, "CAFE")) == {cafe, plain}


def test_english_plurals_find_the_singular(client: TestClient, cast: Cast) -> None:
    number = open_ticket(client, cast, "Hi\nI asked for a refund last week", language="en")
    assert found(client, cast.olivia, "refunds") == [number]
    assert found(client, cast.olivia, "refunding") == [number]


def test_spanish_and_german_tickets_are_stemmed_in_their_language(
    client: TestClient, cast: Cast
) -> None:
    spanish = open_ticket(client, cast, "Hola\nquiero una devolución del pedido", language="es")
    german = open_ticket(client, cast, "Hallo\nbitte um Rückerstattung", language="de")
    assert found(client, cast.olivia, "devoluciones") == [spanish]
    assert found(client, cast.olivia, "pedidos") == [spanish]
    assert found(client, cast.olivia, "Rückerstattungen") == [german]


def test_filters_narrow_a_search(client: TestClient, cast: Cast) -> None:
    mine = open_ticket(client, cast, "Hi\nwhere is my parcel", email="ann@example.com")
    theirs = open_ticket(client, cast, "Hi\nmy parcel is lost", email="ben@example.com")
    h = cast.olivia.headers
    solved = client.patch(f"/api/v1/tickets/{theirs}", json={"status": "solved"}, headers=h)
    assert solved.status_code == 200, solved.text
    ann_ticket = client.get(f"/api/v1/tickets/{mine}", headers=h).json()
    ann, status = ann_ticket["customer_id"], ann_ticket["status"]
    assert status != "solved"
    assert found(client, cast.olivia, "parcel", status="solved") == [theirs]
    assert found(client, cast.olivia, "parcel", customer=ann) == [mine]
    assert found(client, cast.olivia, "parcel", channel="api", status=status) == [mine]
    assert found(client, cast.olivia, "parcel", channel="sms") == []
    assert found(client, cast.olivia, "parcel", created_after="2000-01-01T00:00:00Z",
                 created_before="2999-01-01T00:00:00Z", status=status) == [mine]  # fmt: skip
    assert found(client, cast.olivia, "parcel", created_after="2999-01-01T00:00:00Z") == []


def test_an_empty_date_range_is_refused(client: TestClient, cast: Cast) -> None:
    response = client.get(
        "/api/v1/tickets",
        params={"q": "x", "created_after": "2026-02-01", "created_before": "2026-01-01"},
        headers=cast.olivia.headers,
    )
    assert response.status_code == 422
    assert response.json()["type"].endswith("/invalid-range")


def test_a_restricted_agent_finds_only_their_teams_tickets(client: TestClient, cast: Cast) -> None:
    support = open_ticket(client, cast, "Hi\nthe kettle leaks")
    billing = open_ticket(client, cast, "Hi\nkettle invoice wrong")
    h = cast.olivia.headers
    for number, team in ((support, cast.support_team), (billing, cast.billing_team)):
        moved = client.patch(f"/api/v1/tickets/{number}", json={"team_id": team}, headers=h)
        assert moved.status_code == 200, moved.text
    restrict(client, cast)
    assert found(client, cast.alice, "kettle") == [support]
    assert found(client, cast.bob, "kettle") == [billing]
    assert set(found(client, cast.maya, "kettle")) == {support, billing}


@pytest.mark.parametrize("probe", [20_000, 3])
@pytest.mark.parametrize("window", [1000, 2])
def test_ranked_results_page_without_repeats(
    client: TestClient, cast: Cast, monkeypatch: pytest.MonkeyPatch, window: int, probe: int
) -> None:
    """Every match once, across pages, whether or not the matches overflow the window of
    newest matches that is ranked (the rest follow newest first), and whether PostgreSQL
    finds them in the newest keys it walks or has to ask the index for older ones."""
    monkeypatch.setattr(engine, "RANK_WINDOW", window)
    monkeypatch.setattr(engine, "PROBE_ROWS", probe)
    numbers = {open_ticket(client, cast, f"Hi\nlamp number {i}") for i in range(5)}
    for i in range(4):  # newer tickets without the word: the newest keys hold fewer matches
        open_ticket(client, cast, f"Hi\nkettle number {i}")
    seen: list[int] = []
    cursor = None
    while True:
        params = {"q": "lamp", "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/tickets", params=params, headers=cast.olivia.headers).json()
        seen += [item["number"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(numbers)
