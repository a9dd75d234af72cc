"""Whatever is typed into the search box, the answer is results or a precise 422: FTS5 and
tsquery syntax in the input is just punctuation between words."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.search.helpers import open_ticket

HOSTILE = [
    '"',
    '"unterminated phrase',
    "NEAR(refund order, 2)",
    "refund NEAR order",
    "*",
    "**refund",
    "subject:refund",
    "{subject body}: refund",
    "refund & order | !spam",
    "refund:* & !",
    "'; DROP TABLE tickets; --",
    "refund AND OR NOT",
    "(((refund",
    "^refund",
    "a\\b",
    "ünïcödé ✓ 退款",
    "%_%",
    "- - -",
]

# Those whose words are all in the ticket: the punctuation around them changes nothing.
FIND_THE_TICKET = {"**refund", "(((refund", "^refund", "refund:* & !"}


def test_syntax_in_the_input_is_never_a_500(client: TestClient, cast: Cast) -> None:
    # One desk for every query (searching changes nothing), each query's failures listed.
    number = open_ticket(client, cast, "Hi\nrefund order please")
    wrong = []
    for q in HOSTILE:
        for path in ("/api/v1/tickets", "/api/v1/customers", "/api/v1/search"):
            response = client.get(path, params={"q": q}, headers=cast.olivia.headers)
            if response.status_code not in (200, 422) or (
                response.status_code == 422
                and not response.json()["type"].endswith("/invalid-query")
            ):
                wrong.append(f"{path} {q!r}: {response.status_code} {response.text[:200]}")
        if q in FIND_THE_TICKET:
            listed = client.get("/api/v1/tickets", params={"q": q}, headers=cast.olivia.headers)
            numbers = [t["number"] for t in listed.json()["items"]]
            if numbers != [number]:
                wrong.append(f"{q!r} found {numbers}, not [{number}]")
    assert not wrong, "\n".join(wrong)


def test_operators_typed_as_words_are_words(client: TestClient, cast: Cast) -> None:
    """ "NOT" and "NEAR" are searched for, not obeyed."""
    near = open_ticket(client, cast, "Hi\nthe shop near my house")
    response = client.get("/api/v1/tickets", params={"q": "NEAR"}, headers=cast.olivia.headers)
    assert [t["number"] for t in response.json()["items"]] == [near]


def test_a_very_long_query_is_refused_precisely(client: TestClient, cast: Cast) -> None:
    response = client.get(
        "/api/v1/tickets", params={"q": "refund " * 200}, headers=cast.olivia.headers
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"].endswith("/invalid-query")
    assert "at most 500" in problem["detail"]


def test_too_many_words_are_refused_precisely(client: TestClient, cast: Cast) -> None:
    q = " ".join(f"w{i}" for i in range(40))
    response = client.get("/api/v1/tickets", params={"q": q}, headers=cast.olivia.headers)
    assert response.status_code == 422
    assert "at most 16" in response.json()["detail"]
