"""The whole OpenAPI under a schema-driven fuzzer (Schemathesis): every operation, called by an
admin, an agent and a stranger against a database with tickets, customers and a rule in it, never
answers 5xx and only answers the status codes, content types and bodies the schema documents;
valid and invalid inputs both.

The budget is fixed and derandomised (the same examples on every run), so CI stays quick and a
failure reproduces. Only on SQLite: it tests the HTTP layer, and the PostgreSQL run has the
same routes over the same code.
"""

from __future__ import annotations

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from tests.conftest import ON_POSTGRES, Cast, Person, inbound

from minidesk import db
from minidesk.desk import users
from minidesk.desk.models import User
from minidesk.events import SYSTEM

# Per operation and generation mode: about 150 operations, 2 modes, 3 callers; the whole
# module takes about 90 s of CPU, spread over the cores in shards.
EXAMPLES = 10
BUDGET = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

pytestmark = pytest.mark.skipif(
    ON_POSTGRES, reason="the fuzzer runs on SQLite only: it tests the HTTP layer (time budget)"
)


def _seed(client: TestClient, cast: Cast) -> None:
    """Rows for small ids to hit: tickets, customers, messages, events, a rule."""
    for n in range(3):
        inbound(client, cast.olivia, f"Where is my order #100{n}?", f"fuzz-{n}", email=f"c{n}@x.io")
    rule = {
        "name": "Refunds first",
        "event": "message.received",
        "conditions": [{"type": "text", "regex": "refund"}],
        "actions": [{"type": "set_priority", "priority": "P2"}],
    }
    assert client.post("/api/v1/rules", json=rule, headers=cast.olivia.headers).status_code == 201


def _restore(who: Person) -> dict[str, str]:
    """The caller's headers, after putting the caller back if an operation retired them: the
    fuzzer may rotate or revoke the token it calls with, or deactivate or demote its own user,
    and every later operation would then only ever answer 401 (coverage lost in silence).
    Asked of the database, not of ``GET /users/me``: that request before every example was
    half the requests the fuzzer made."""
    with db.get_db().sessions() as session:
        user = users.authenticate_token(session, who.token)
        if user is not None and user.id == who.id and user.role == who.role:
            return who.headers
    with db.get_db().transaction() as session:
        user = session.get_one(User, who.id)
        user.active, user.role = True, who.role
        _, who.token = users.do_create_token(session, user, SYSTEM, "fuzz", lifetime=None)
    return who.headers


# Each caller's operations are split into shards so that pytest-xdist spreads one caller's
# ~60-second sweep over every core instead of leaving it queued last on one.
SHARDS = 4


def _operations(client: TestClient) -> list[schemathesis.APIOperation]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    return sorted(operations, key=lambda operation: operation.label)


def _fuzz(client: TestClient, who: Person | None, shard: int) -> list[str]:
    failures: list[str] = []
    for operation in _operations(client)[shard::SHARDS]:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @BUDGET
            def run(case: schemathesis.Case) -> None:
                headers = _restore(who) if who else {}
                # The fuzzer tests the HTTP layer, not latency: on a loaded machine the
                # default inbound path may wait its whole ``inbound_wait_seconds`` (10 s,
                # the transport's own default timeout too) before answering "queued".
                case.call_and_validate(headers=headers, checks=CHECKS, timeout=60)

            try:
                run()
            except Unsatisfiable:
                pass  # no parameters to make invalid (GET /healthz has none)
            except (Exception, BaseExceptionGroup) as exc:  # schemathesis's FailureGroup
                failures.append(f"{operation.label} ({mode.value}): {exc!r}"[:3000])
    return failures


def test_the_shards_cover_every_documented_operation(client: TestClient) -> None:
    documented = {
        f"{method.upper()} {path}"
        for path, operations in client.get("/openapi.json").json()["paths"].items()
        for method in operations
    }
    operations = _operations(client)
    sharded = [op.label for shard in range(SHARDS) for op in operations[shard::SHARDS]]
    assert sorted(sharded) == sorted(documented) and len(documented) > 40


@pytest.mark.timeout(300)
@pytest.mark.parametrize("shard", range(SHARDS))
def test_no_operation_fails_for_an_admin(client: TestClient, cast: Cast, shard: int) -> None:
    _seed(client, cast)
    failures = _fuzz(client, cast.olivia, shard)
    assert not failures, "\n\n".join(failures)


@pytest.mark.timeout(300)
@pytest.mark.parametrize("shard", range(SHARDS))
def test_no_operation_fails_for_an_agent(client: TestClient, cast: Cast, shard: int) -> None:
    _seed(client, cast)
    failures = _fuzz(client, cast.alice, shard)
    assert not failures, "\n\n".join(failures)


@pytest.mark.timeout(300)
@pytest.mark.parametrize("shard", range(SHARDS))
def test_no_operation_fails_for_a_stranger(client: TestClient, cast: Cast, shard: int) -> None:
    """No credentials: sign-in, provider webhooks and health answer; the rest say 401."""
    _seed(client, cast)
    failures = _fuzz(client, None, shard)
    assert not failures, "\n\n".join(failures)
