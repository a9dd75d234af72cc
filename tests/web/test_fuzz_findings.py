"""Server errors the API fuzzer found (tests/test_api_fuzz.py), each pinned as a story."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast


@pytest.mark.parametrize(
    "field", ["name", "timezone", "languages", "restrict_agents_to_teams", "reopen_window_days"]
)
def test_a_null_workspace_setting_is_a_422_naming_it(
    client: TestClient, cast: Cast, field: str
) -> None:
    response = client.patch("/api/v1/workspace", json={field: None}, headers=cast.olivia.headers)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field
    assert client.get("/api/v1/workspace", headers=cast.olivia.headers).json()[field] is not None


def test_every_error_answer_is_documented_as_a_problem(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            errors = {s: r for s, r in operation["responses"].items() if int(s) >= 400}
            assert {"401", "403", "404", "413", "422"} <= set(errors), (method, path)
            for documented in errors.values():
                assert list(documented["content"]) == ["application/problem+json"]
    assert "HTTPValidationError" not in schema["components"]["schemas"]
