"""A query parameter an API route does not take is refused with a 422 naming it, as an unknown
body field is: a typo such as ``?stauts=open`` must not quietly return every ticket."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound


def _api_routes(client: TestClient) -> list[tuple[str, str]]:
    """Every operation the API documents, its path parameters filled in."""
    found = []
    for path, operations in client.get("/openapi.json").json()["paths"].items():
        if path.startswith("/api/"):
            filled = re.sub(r"\{[^}]+\}", "1", path)
            found += [(method.upper(), filled) for method in sorted(operations)]
    return found


def test_every_api_route_refuses_a_query_parameter_it_does_not_take(
    client: TestClient, cast: Cast
) -> None:
    routes = _api_routes(client)
    assert len(routes) > 100  # the walk really covers the API
    for method, path in routes:
        response = client.request(
            method, path, params={"stauts": "open"}, headers=cast.olivia.headers
        )
        assert response.status_code == 422, (method, path, response.status_code, response.text)
        problem = response.json()
        assert problem["errors"] == [
            {"field": "query.stauts", "message": "unknown query parameter"}
        ], (method, path)
        assert "'stauts'" in problem["detail"], (method, path)


def test_the_parameters_a_route_takes_still_work(client: TestClient, cast: Cast) -> None:
    for n in range(3):
        inbound(client, cast.olivia, f"Question {n}", f"m-{n}", email=f"c{n}@example.com")
    headers = cast.olivia.headers
    listed = client.get("/api/v1/tickets", params={"limit": 2}, headers=headers)
    assert listed.status_code == 200, listed.text
    assert len(listed.json()["items"]) == 2
    # A query model's fields (the staffing calculator takes one) are parameters too.
    staffed = client.get(
        "/api/v1/staffing/calculator", params={"volume": 100, "aht": 300}, headers=headers
    )
    assert staffed.status_code == 200, staffed.text
    typo = client.get(
        "/api/v1/staffing/calculator",
        params={"volume": 100, "aht": 300, "volumes": 5},
        headers=headers,
    )
    assert typo.status_code == 422
    assert "'volumes'" in typo.json()["detail"]


def test_every_unknown_parameter_is_named_once(client: TestClient, cast: Cast) -> None:
    response = client.get(
        "/api/v1/tickets?zeta=1&alpha=2&alpha=3&limit=5", headers=cast.olivia.headers
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["query.alpha", "query.zeta"]
