"""The guide tests' shared tree: the demo articles' parcel guide, written through the API."""

from __future__ import annotations

import copy
from typing import Any

from fastapi.testclient import TestClient
from tests.conftest import Cast

from minidesk.db import Database
from minidesk.kb.demo_guides import PARCEL
from minidesk.kb.seed import seed_demo_articles

GUIDES = "/api/v1/kb/guides"


def parcel_tree() -> dict[str, Any]:
    return copy.deepcopy(PARCEL["tree"])


def write_guide(
    client: TestClient, cast: Cast, database: Database, **fields: Any
) -> dict[str, Any]:
    with database.transaction() as session:
        seed_demo_articles(session)
    body = {"slug": "where-is-my-parcel", "title": "Where is my parcel?", "status": "published",
            "tree": parcel_tree(), **fields}  # fmt: skip
    response = client.post(GUIDES, json=body, headers=cast.olivia.headers)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]
