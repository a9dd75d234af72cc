"""Unknown query parameters on the API are refused.

A body's unknown field is already a 422 (the request models forbid extras); a query string's
typo, ``?stauts=open``, would otherwise be dropped in silence and answer with every ticket.
One dependency on the whole app checks each API request's parameter names against those its
route declares (its query models' fields included); pages and third-party webhooks, whose
senders add parameters of their own, are left alone.
"""

from __future__ import annotations

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.requests import HTTPConnection

from minidesk.web.problems import Problem

API_PREFIX = "/api/"


def _declared(dependant: Dependant) -> frozenset[str]:
    """The query parameters of a route's dependant and every dependency under it."""
    names: set[str] = set()
    pending = [dependant]
    while pending:
        current = pending.pop()
        pending.extend(current.dependencies)
        for param in current.query_params:
            model = param.field_info.annotation
            if isinstance(model, type) and issubclass(model, BaseModel):
                # ``Annotated[SomeQuery, Query()]``: the model's fields are the parameters.
                names.update(field.alias or name for name, field in model.model_fields.items())
            else:
                names.add(param.alias)
    return frozenset(names)


async def refuse_unknown(connection: HTTPConnection) -> None:
    # Async although it never awaits: FastAPI runs a plain function dependency on its thread
    # pool, and every route has this one, so each request would pay a trip to a thread and
    # back to the event loop (over 100 µs of CPU) for a check of a few µs.
    route = connection.scope.get("route")
    if not isinstance(route, APIRoute) or not route.path.startswith(API_PREFIX):
        return
    if not connection.query_params:
        return
    # Walked per request (a few µs), not cached: the routes are dataclasses that cannot be
    # keys, and a cache by anything else would keep every test's app alive.
    known = _declared(route.dependant)
    unknown = sorted(set(connection.query_params) - known)
    if unknown:
        listed = ", ".join(map(repr, unknown))
        raise Problem(
            422,
            f"unknown query parameter {listed}; this operation takes "
            + (", ".join(sorted(known)) if known else "none"),
            errors=[
                {"field": f"query.{name}", "message": "unknown query parameter"} for name in unknown
            ],
        )
