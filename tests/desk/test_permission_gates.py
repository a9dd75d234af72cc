"""Meta-test for the permission registry: every permission has a bar, and every route gated by
one refuses an agent with a 403 problem before it reads anything."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute
from tests.conftest import Cast

from minidesk.desk.access import MINIMUM_ROLE, RANK, Forbidden, Permission, require
from minidesk.desk.models import Role, User
from minidesk.web.deps import GATES


def test_every_permission_has_a_minimum_role() -> None:
    assert set(MINIMUM_ROLE) == set(Permission)


def _gates(dependant: Dependant) -> set[Permission]:
    found = {GATES[d.call] for d in dependant.dependencies if d.call in GATES}
    for sub in dependant.dependencies:
        found |= _gates(sub)
    return found


def _api_routes(routes: Iterable[BaseRoute]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        # FastAPI 0.165 keeps an included router whole; its own routes carry full paths, since
        # our routers are included without a prefix.
        elif (router := getattr(route, "original_router", None)) is not None:
            yield from _api_routes(router.routes)


def _gated_routes(client: TestClient) -> list[tuple[str, str, Permission]]:
    routes = []
    for route in _api_routes(client.app.routes):  # type: ignore[attr-defined]
        for permission in _gates(route.dependant):
            if RANK[MINIMUM_ROLE[permission]] > RANK[Role.AGENT]:
                # Path parameters are never looked up: the gate answers before the handler.
                path = re.sub(r"\{[^}]+\}", "1", route.path)
                routes.extend((method, path, permission) for method in sorted(route.methods))
    return routes


def test_every_gated_route_refuses_alice_with_a_problem(client: TestClient, cast: Cast) -> None:
    routes = _gated_routes(client)
    # The registry must actually see the gates, or this test would pass vacuously.
    assert {p for _, _, p in routes} >= {
        Permission.MANAGE_USERS,
        Permission.MANAGE_RULES,
        Permission.SEE_INTENT_MODELS,
        Permission.ACTIVATE_INTENT_MODELS,
        Permission.MANAGE_CHANNELS,
        Permission.ADMIN_QUEUES,
    }
    for method, path, permission in routes:
        response = client.request(method, path, json={}, headers=cast.alice.headers)
        where = f"{method} {path} ({permission})"
        assert response.status_code == 403, where
        assert response.headers["content-type"] == "application/problem+json", where
        assert str(MINIMUM_ROLE[permission]) in response.json()["detail"], where


@pytest.mark.parametrize("permission", list(Permission))
def test_the_refusal_names_the_permission_and_the_bar(permission: Permission) -> None:
    alice = User(email="alice@shop.example", role=Role.AGENT)
    with pytest.raises(Forbidden, match=permission.value.replace("_", " ")):
        require(alice, permission)
