"""The knowledge-base tests' shared helpers: a category and articles written through the API,
by olivia (admin), as a shop would."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from tests.conftest import Cast

KB = "/api/v1/kb"


def write(client: TestClient, cast: Cast, **fields: Any) -> dict[str, Any]:
    body = {"status": "published", "body": "", **fields}
    response = client.post(f"{KB}/articles", json=body, headers=cast.olivia.headers)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def category(client: TestClient, cast: Cast, slug: str, name: str) -> int:
    response = client.post(
        f"{KB}/categories", json={"slug": slug, "name": name}, headers=cast.olivia.headers
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])
