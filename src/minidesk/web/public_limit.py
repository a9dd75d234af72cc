"""The per-address limit on public writes (``minidesk.desk.public_writes``), for the routes
that take them: a dependency for whole routes, and ``check_public_write`` for a route that
writes only on some requests (a survey link with a score).

The client address is ``request.client.host``, as for the sign-in throttle: behind a reverse
proxy it is the visitor only when uvicorn trusts that proxy's ``X-Forwarded-For``
(``FORWARDED_ALLOW_IPS``, 127.0.0.1 by default); otherwise every visitor shares the proxy's
bucket. The token is taken in a transaction of its own, committed before the handler runs, so
a request that fails afterwards (an unknown article) still costs it: probing is a write too.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.requests import HTTPConnection

from minidesk.db import get_db, utcnow
from minidesk.desk.public_writes import PublicWritesThrottled, take
from minidesk.settings import get_settings
from minidesk.web.problems import Problem

SLUG = "too-many-requests"


def client_host(connection: HTTPConnection) -> str:
    return connection.client.host if connection.client else "unknown"


def spend_token(connection: HTTPConnection) -> None:
    """Take one token of the caller's bucket; raises ``PublicWritesThrottled`` when empty."""
    with get_db().transaction() as session:
        take(session, get_settings(), client_host(connection), utcnow())


def check_public_write(request: Request) -> None:
    """Raise a ``429 too-many-requests`` problem with ``Retry-After`` when the caller's
    address has used up its public writes."""
    try:
        spend_token(request)
    except PublicWritesThrottled as exc:
        raise Problem(
            429,
            exc.detail,
            slug=SLUG,
            headers={"Retry-After": str(exc.retry_after)},
            retry_after=exc.retry_after,
        ) from exc


PublicWrite = Annotated[None, Depends(check_public_write)]
TOO_MANY: dict[int | str, dict[str, Any]] = {
    429: {"description": "Too many public writes from this address; see `Retry-After`."}
}
