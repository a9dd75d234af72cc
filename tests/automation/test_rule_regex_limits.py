"""A rule's ``text`` regex runs in linear time (RE2): a pattern that backtracks
catastrophically in Python's ``re`` cannot stall a worker, and a pattern RE2 cannot run in
linear time (back-references, look-around) is refused when the rule is saved."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound

from minidesk import db
from minidesk.automation.models import Rule


def _rule(regex: str, name: str = "Backtracking") -> dict[str, object]:
    return {
        "name": name,
        "event": "message.received",
        "conditions": [{"type": "text", "regex": regex}],
        "actions": [{"type": "add_tags", "tags": ["matched"]}],
    }


@pytest.mark.timeout(30)
def test_a_catastrophic_pattern_cannot_stall_the_worker(client: TestClient, cast: Cast) -> None:
    created = client.post("/api/v1/rules", json=_rule(r"(a+)+$"), headers=cast.maya.headers)
    assert created.status_code == 201, created.text
    started = time.monotonic()
    # Python's re takes about 2**n steps on n a's and a mismatch at the end: hours here.
    number = inbound(client, cast.olivia, "a" * 40 + "!", "m-1")["ticket_number"]
    assert time.monotonic() - started < 20  # hours without the limit; slack for a loaded CI
    ticket = client.get(f"/api/v1/tickets/{number}", headers=cast.olivia.headers).json()
    assert "matched" not in ticket["tags"]
    inbound(client, cast.olivia, "aaaa", "m-2", email="zoe@example.com")
    matched = client.get("/api/v1/tickets?tag=matched", headers=cast.olivia.headers).json()
    assert len(matched["items"]) == 1


@pytest.mark.parametrize(
    ("regex", "why"),
    [
        (r"(a)\1", "invalid escape sequence"),
        (r"(?<!not )refund", "invalid perl operator"),
        (r"x{5000}", "invalid repetition size"),
        (r"(unclosed", "missing )"),
    ],
)
def test_a_pattern_re2_cannot_run_is_refused_at_save_time(
    client: TestClient, cast: Cast, regex: str, why: str
) -> None:
    response = client.post("/api/v1/rules", json=_rule(regex), headers=cast.maya.headers)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "conditions[0].regex"
    assert why in error["message"]


def test_a_rule_stored_with_a_pattern_re2_refuses_never_matches_and_stops_no_other_rule(
    client: TestClient, cast: Cast
) -> None:
    """A rule saved before RE2 (with look-behind, say) is unknown, like a missing fact: it
    never fires, and the rules after it still run."""
    with db.get_db().transaction() as session:
        session.add(
            Rule(
                name="Old look-behind",
                event="message.received",
                conditions=[{"type": "text", "regex": r"(?<!not )refund"}],
                actions=[{"type": "add_tags", "tags": ["old"]}],
                position=0,
            )
        )
    created = client.post(
        "/api/v1/rules", json={**_rule("refund", "New"), "position": 1}, headers=cast.maya.headers
    )
    assert created.status_code == 201, created.text
    number = inbound(client, cast.olivia, "I want a refund", "m-1")["ticket_number"]
    ticket = client.get(f"/api/v1/tickets/{number}", headers=cast.olivia.headers).json()
    assert "matched" in ticket["tags"] and "old" not in ticket["tags"]


@pytest.mark.parametrize("words", [[""], ["  "], ["x" * 201]])
def test_a_blank_or_overlong_word_is_refused(
    client: TestClient, cast: Cast, words: list[str]
) -> None:
    """A blank word matched every message (whole words of nothing are everywhere)."""
    rule = {**_rule("x"), "conditions": [{"type": "text", "words": words}]}
    response = client.post("/api/v1/rules", json=rule, headers=cast.maya.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "conditions[0].words[0]"
