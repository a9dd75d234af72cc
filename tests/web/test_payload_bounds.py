"""Every request body is bounded before it is read into memory: a body over
``MINIDESK_MAX_INBOUND_BYTES`` gets a 413 ``payload-too-large`` problem whether it declares
its length or streams in chunks; and every JSON body refuses fields it does not know."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast

LIMIT = 64 * 1024  # the test settings' max_inbound_bytes


def _chunks(total: int) -> Iterator[bytes]:
    """A JSON document streamed without a Content-Length (chunked transfer encoding)."""
    yield b'{"name": "x", "text": "'
    for _ in range(total // 4096):
        yield b"a" * 4096
    yield b'"}'


@pytest.mark.parametrize("path", ["/api/v1/rules", "/api/v1/templates", "/api/v1/inbound/messages"])
def test_a_streamed_body_over_the_limit_is_a_413_problem(
    client: TestClient, cast: Cast, path: str
) -> None:
    response = client.post(
        path,
        content=_chunks(4 * LIMIT),
        headers={**cast.maya.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/payload-too-large")


def test_a_declared_body_over_the_limit_is_a_413_problem(client: TestClient, cast: Cast) -> None:
    body = json.dumps({"name": "x" * 2 * LIMIT})
    response = client.post(
        "/api/v1/templates",
        content=body,
        headers={**cast.maya.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["type"].endswith("/payload-too-large")


def test_a_body_within_the_limit_still_arrives_whole(client: TestClient, cast: Cast) -> None:
    text = "b" * (LIMIT // 2)
    response = client.post(
        "/api/v1/inbound/messages",
        content=b"".join(
            [
                b'{"customer": {"email": "emma@example.com"}, "external_id": "e1", "text": "',
                text.encode(),
                b'"}',
            ]
        ),
        headers={**cast.olivia.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 202, response.text


def _request_schemas(openapi: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    components = openapi["components"]["schemas"]
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            if schema is not None and "$ref" in schema:
                name = schema["$ref"].rsplit("/", 1)[1]
                yield f"{method.upper()} {path}", components[name]


def test_every_json_body_refuses_unknown_fields(client: TestClient) -> None:
    """A typo in a field name (``amount_minr``) must be a 422 naming it, not silently ignored
    (a refund with its reason dropped, a limit left unchanged)."""
    lax = [
        where
        for where, schema in _request_schemas(client.get("/openapi.json").json())
        if schema.get("type") == "object" and schema.get("additionalProperties") is not False
    ]
    assert lax == []


def test_an_unknown_field_is_a_422_naming_it(client: TestClient, cast: Cast) -> None:
    response = client.post(
        "/api/v1/approvals/1/approve",
        json={"reason": "ok", "reasn": "typo"},
        headers=cast.olivia.headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "reasn"
