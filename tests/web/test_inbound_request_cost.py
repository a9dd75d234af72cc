"""What the web process spends on an inbound API request beyond the work itself: the busiest
route is matched first (without changing the docs' order), never goes to the thread pool, and
a well-formed request skips FastAPI's dependency solving (a malformed one still gets its
errors)."""

from __future__ import annotations

from typing import Any

import anyio.to_thread
import fastapi.routing
import pytest
from fastapi.testclient import TestClient
from starlette.routing import Match
from tests.conftest import Cast

from minidesk.web import tokens

PATH = "/api/v1/inbound/messages"


def _post(client: TestClient, cast: Cast, external_id: str) -> None:
    response = client.post(
        PATH,
        json={"customer": {"email": "emma@example.com"}, "text": "Hi", "external_id": external_id},
        headers={**cast.shop.headers, "Prefer": "respond-async"},
    )
    assert response.status_code == 202, response.text


def test_an_inbound_post_never_waits_for_the_thread_pool(
    client: TestClient, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The token is looked up (in a thread) once, then cached: for the whole test, however slow.
    monkeypatch.setattr(tokens, "CACHE_SECONDS", 3600.0)
    _post(client, cast, "warm")
    trips: list[Any] = []
    original = anyio.to_thread.run_sync

    async def counted(function: Any, *args: Any, **kwargs: Any) -> Any:
        trips.append(function)
        return await original(function, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    _post(client, cast, "m-1")
    assert trips == []


def test_a_well_formed_inbound_post_solves_no_dependencies(
    client: TestClient, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tokens, "CACHE_SECONDS", 3600.0)
    _post(client, cast, "warm")
    solved: list[Any] = []
    original = fastapi.routing.solve_dependencies

    async def counted(**kwargs: Any) -> Any:
        solved.append(kwargs["dependant"].call)
        return await original(**kwargs)

    monkeypatch.setattr(fastapi.routing, "solve_dependencies", counted)
    _post(client, cast, "m-1")
    assert solved == []
    # Anything else is FastAPI's to answer, as before: the same errors, in the same order.
    unknown_field = {"customer": {"email": "emma@example.com"}, "text": "Hi", "x": 1}
    response = client.post(
        PATH, json={**unknown_field, "external_id": "m-2"}, headers=cast.shop.headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "x"
    response = client.post(PATH, json={**unknown_field, "external_id": "m-3"})
    assert response.status_code == 401  # the caller is checked before the body
    response = client.post(
        PATH, content=b"{", headers={**cast.shop.headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 422
    # Only the body that failed validation went FastAPI's way to its 422.
    assert len(solved) == 1


def test_the_inbound_route_is_tried_first_and_the_docs_keep_the_manifests_order(
    client: TestClient,
) -> None:
    scope = {"type": "http", "method": "POST", "path": PATH, "root_path": "", "headers": []}
    tried = 0
    for route in client.app.router.routes:  # type: ignore[attr-defined]
        tried += 1
        if route.matches(dict(scope))[0] == Match.FULL:
            break
    assert tried <= 2  # the app's own /openapi.json, then the inbound router
    tags = [tag["name"] for tag in client.get("/openapi.json").json()["tags"]]
    assert tags[:4] == ["admin", "auth", "integrations", "tickets"]
    assert tags.index("channels") > tags.index("tickets")


def _calls(dependant: Any) -> list[str]:
    """Every dependency the route solves, depth first, by name."""
    names = []
    for sub in dependant.dependencies:
        call = sub.call
        names.append(getattr(call, "__qualname__", type(call).__name__))
        names.extend(_calls(sub))
    return names


def test_the_fast_path_reproduces_every_dependency_the_route_declares(client: TestClient) -> None:
    """``InboundRoute`` answers a well-formed request by calling the route's checks itself. A
    dependency added to the route (a rate limit, a permission) would be skipped there in
    silence: this list is the one ``_answer_well_formed`` reproduces, so changing the route's
    dependencies fails here until the fast path does the same."""
    from minidesk.web.api.inbound import router

    app_wide = [d.dependency for d in client.app.router.dependencies]  # type: ignore[attr-defined]
    assert [getattr(call, "__qualname__", None) for call in app_wide] == ["refuse_unknown"]
    route = next(
        r
        for r in router.routes
        if isinstance(r, fastapi.routing.APIRoute) and r.path == PATH and "POST" in r.methods
    )
    assert _calls(route.dependant) == ["current_caller", "HTTPBearer", "OAuth2PasswordBearer"]
    assert [p.name for p in route.dependant.header_params] == ["prefer"]
    assert [p.name for p in route.dependant.body_params] == ["body"]
