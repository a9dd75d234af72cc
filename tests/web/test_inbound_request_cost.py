"""What the web process spends on an inbound API request beyond the work itself: the busiest
route is matched first (without changing the docs' order) and never goes to the thread pool."""

from __future__ import annotations

from typing import Any

import anyio.to_thread
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
