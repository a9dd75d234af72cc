"""Route state built once per test process instead of once per app.

FastAPI builds a route's state (its dependency tree and the pydantic fields of its parameters,
body and response) on the first request that walks past the route, once per app: some 0.5 s of
CPU for a request to a route late in the table, and nearly every test makes an app of its own
(``tests/conftest.py``'s ``client``). For the routes of the features' routers that state
depends only on objects every app of the process shares (the endpoint, its dependencies, its
models), so the first app's is reused. What is each app's own is still built per app: its
handlers and dependency overrides, and the routes ``create_app`` makes (closures of that app,
which a cache would keep alive: ``tests/web/test_app_released.py``).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

import fastapi.routing

from minidesk import features

# Keyed by ids of shared objects: the entry keeps what the ids name alive.
_built: dict[Hashable, tuple[tuple[Any, ...], Any]] = {}


def _endpoints(routes: Iterable[Any]) -> Iterable[Any]:
    for route in routes:
        if (included := getattr(route, "original_router", None)) is not None:
            yield from _endpoints(included.routes)
        elif (endpoint := getattr(route, "endpoint", None)) is not None:
            yield endpoint


def share_route_state() -> None:
    """Make every app of this process reuse the route state of the features' routes."""
    routing: Any = fastapi.routing
    routes = (route for router in features.routers() for route in router.routes)
    shared = {id(endpoint) for endpoint in _endpoints(routes)}
    shared_fields: set[int] = set()  # the body parameters of shared dependants
    build_dependant = routing._build_dependant_with_parameterless_dependencies
    create_model_field = routing.create_model_field
    get_body_field = routing._get_body_field

    def dependant(*, path: str, call: Any, dependencies: Any) -> Any:
        if id(call) not in shared:
            return build_dependant(path=path, call=call, dependencies=dependencies)
        key = ("dependant", path, id(call), tuple(id(d) for d in dependencies))
        if key not in _built:
            built = build_dependant(path=path, call=call, dependencies=dependencies)
            shared_fields.update(id(field) for field in built[1])
            _built[key] = ((call, dependencies), built)
        return _built[key][1]

    def response_field(name: str, type_: Any, **options: Any) -> Any:
        # A response model is a module's class (or a type built of them), as its name, which
        # holds the route's unique id, is the same in every app.
        try:
            key = ("field", name, type_, tuple(sorted(options.items())))
            hash(key)
        except TypeError:
            return create_model_field(name, type_, **options)
        if key not in _built:
            _built[key] = ((), create_model_field(name, type_, **options))
        return _built[key][1]

    def body_field(*, body_params: list[Any], name: str, embed_body_fields: bool) -> Any:
        ids = tuple(id(field) for field in body_params)
        if not shared_fields.issuperset(ids):
            return get_body_field(
                body_params=body_params, name=name, embed_body_fields=embed_body_fields
            )
        key = ("body", name, embed_body_fields, ids)
        if key not in _built:
            built = get_body_field(
                body_params=body_params, name=name, embed_body_fields=embed_body_fields
            )
            _built[key] = ((), built)
        return _built[key][1]

    routing._build_dependant_with_parameterless_dependencies = dependant
    routing.create_model_field = response_field
    routing._get_body_field = body_field
