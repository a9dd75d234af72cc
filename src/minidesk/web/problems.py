"""Errors as RFC 9457 ``application/problem+json`` with a stable ``type`` per kind of error."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from minidesk.desk.access import Forbidden, NotFound

log = logging.getLogger(__name__)

PROBLEM_BASE = "https://minidesk.dev/problems/"
MEDIA_TYPE = "application/problem+json"

TITLES = {
    400: ("bad-request", "Bad request"),
    401: ("unauthenticated", "Authentication required"),
    403: ("forbidden", "Not allowed"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    409: ("conflict", "Conflict"),
    413: ("payload-too-large", "Payload too large"),
    422: ("invalid-request", "Invalid request"),
    429: ("too-many-requests", "Too many requests"),
    500: ("internal-error", "Internal error"),
}
NUMERIC_OUT_OF_RANGE = "22003"  # PostgreSQL's SQLSTATE
# Answers any operation may give (authentication, permission, a missing row, a body over the
# size limit, invalid input), documented on every operation so clients and the schema fuzzer
# know them; 500 is not a contract.
COMMON = (400, 401, 403, 404, 409, 413, 422)
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "description": "RFC 9457 problem document; `type` is stable per kind of error.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}


class Problem(Exception):
    """Raise from a handler to answer with a problem document."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        slug: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.slug = slug or TITLES.get(status, ("error", "Error"))[0]
        self.headers = headers  # e.g. Retry-After on a 429
        self.extra = extra


def problem_response(
    status: int,
    detail: str,
    slug: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    default_slug, title = TITLES.get(status, ("error", "Error"))
    body = {
        "type": PROBLEM_BASE + (slug or default_slug),
        "title": title,
        "status": status,
        "detail": detail,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def unstorable(exc: Exception) -> tuple[str, str]:
    """The problem's detail and slug for a value the database refused."""
    orig = getattr(exc, "orig", None)
    if isinstance(exc, OverflowError) or getattr(orig, "sqlstate", None) == NUMERIC_OUT_OF_RANGE:
        return "a number in the request is out of the range this desk can store", "out-of-range"
    reason = str(orig or exc).splitlines()[0]
    return f"a value in the request cannot be stored: {reason}", "unstorable-value"


def document(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` (FastAPI's OpenAPI document) with the problem answers on every operation,
    and every error answer (a route's own too, such as a webhook's 406) as a problem document
    in place of FastAPI's ``HTTPValidationError``, which this app never sends."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM_SCHEMA
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    content = {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status in COMMON:
                responses.setdefault(str(status), {"description": TITLES[status][1]})
            for status, documented in responses.items():
                if status.isdigit() and int(status) >= 400:
                    documented["content"] = content
    return schema


def install(app: FastAPI) -> None:
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document(original())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented override

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(exc.status, exc.detail, exc.slug, exc.headers, **exc.extra)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> JSONResponse:
        return problem_response(403, exc.detail)

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> JSONResponse:
        return problem_response(404, exc.detail)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "field": ".".join(str(part) for part in error["loc"] if part != "body"),
                "message": error["msg"],
            }
            for error in exc.errors()
        ]
        detail = "; ".join(f"{e['field'] or 'body'}: {e['message']}" for e in errors)
        return problem_response(422, detail, errors=errors)

    # A value the database cannot hold (a 30-digit id, a NUL in PostgreSQL text, a string
    # longer than its column) is the client's error whichever route let it through: SQLite's
    # driver raises OverflowError for integers beyond 64 bits, PostgreSQL a data exception.
    # Validation at the edge names the field; this is the net under every route, so such
    # input is never a 500.
    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def _unstorable(request: Request, exc: Exception) -> JSONResponse:
        log.warning("unstorable value on %s %s: %s", request.method, request.url.path, exc)
        return problem_response(422, *unstorable(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = dict(exc.headers) if exc.headers else None
        return problem_response(exc.status_code, str(exc.detail), headers=headers)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(500, "the server failed; the error was logged")
