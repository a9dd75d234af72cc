"""A template cannot spend a worker's CPU or memory: loops, ``range``, arithmetic and
size-multiplying filters are refused when it is saved (a 422 naming the field) and when a
template stored earlier is rendered (a 422, quickly); bodies and variants are bounded in size,
and so is what a render may produce from long values."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound

from minidesk import db
from minidesk.replies.models import ReplyTemplate


def _template(body: str, **more: object) -> dict[str, object]:
    return {
        "key": "greeting",
        "name": "Greeting",
        "tokens": ["customer_name"],
        "variants": {"A": {"default": {"body": body, "cta": "Reply here.", "subject": "Hi"}}},
        **more,
    }


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    ("body", "why"),
    [
        (
            "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
            "loops ({% for %}) cannot be used in a template",
        ),
        ("{{ range(10**9)|list }}", "function calls such as range() cannot be used"),
        ("{{ 9**9**9 }}", "arithmetic cannot be used in a template"),
        ('{{ "x" * 100000000 }}', "arithmetic cannot be used in a template"),
        ("{{ customer_name|center(1000000000) }}", "filter 'center' cannot be used"),
        ("{{ customer_name.__class__ }}", "attribute access cannot be used"),
        ("{% set x = customer_name %}{{ x }}", "{% set %} cannot be used"),
        ("{{ lipsum(10000, False, 1000, 10000) }}", "function calls such as range()"),
        ("{{ " + "(" * 3000 + "customer_name" + ")" * 3000 + " }}", "nested too deeply"),
        ("{{ customer_name" + "|upper" * 3000 + " }}", "nested too deeply"),
        ("{% if customer_name %}" * 300 + "{% endif %}" * 300, "nested too deeply"),
    ],
)
def test_a_costly_template_is_refused_at_save_time(
    client: TestClient, cast: Cast, body: str, why: str
) -> None:
    started = time.monotonic()
    response = client.post(
        "/api/v1/templates", json=_template(body + " {{ cta }}"), headers=cast.maya.headers
    )
    # Evaluating any of these would take hours (9**9**9 has 370 million digits): a minute
    # tells a refusal at parse time from evaluation even on a loaded CI machine.
    assert time.monotonic() - started < 60
    assert response.status_code == 422, response.text
    assert response.json()["type"].endswith("/invalid-template")
    errors = response.json()["errors"]
    assert {e["field"] for e in errors} == {"variants.A.default.body"}
    assert any(why in e["message"] for e in errors), errors


def test_what_templates_need_still_works(client: TestClient, cast: Cast) -> None:
    body = (
        "Hi {{ customer_name|title }}{% if customer_name is defined and customer_name != 'x' %}"
        "!{% else %}.{% endif %} {{ cta ~ '' }}"
    )
    response = client.post("/api/v1/templates", json=_template(body), headers=cast.maya.headers)
    assert response.status_code == 201, response.text
    preview = client.post(
        "/api/v1/templates/greeting/preview",
        json={"channel": "chat", "variables": {"customer_name": "emma"}},
        headers=cast.maya.headers,
    )
    assert preview.json()["text"] == "Hi Emma! Reply here."


@pytest.mark.timeout(30)
def test_a_costly_template_stored_earlier_fails_to_render_rather_than_hang(
    client: TestClient, cast: Cast
) -> None:
    # Five loops over 100 characters each: 10**10 turns, and no token a render would miss.
    loop = '{% for a in "' + "x" * 100 + '" %}'
    loop = loop * 5 + "{% endfor %}" * 5
    with db.get_db().transaction() as session:
        session.add(
            ReplyTemplate(
                key="old_greeting",
                name="Old",
                tokens=["customer_name"],
                variants={
                    "A": {"default": {"body": loop + "{{ cta }}", "cta": "Go", "subject": "S"}}
                },
            )
        )
    number = inbound(client, cast.olivia, "Hello", "m-1")["ticket_number"]
    started = time.monotonic()
    macro = client.post(
        f"/api/v1/tickets/{number}/macros/old_greeting", json={}, headers=cast.alice.headers
    )
    preview = client.post(
        "/api/v1/templates/old_greeting/preview", json={}, headers=cast.alice.headers
    )
    # Evaluating any of these would take hours (9**9**9 has 370 million digits): a minute
    # tells a refusal at parse time from evaluation even on a loaded CI machine.
    assert time.monotonic() - started < 60
    for response in (macro, preview):
        assert response.status_code == 422, response.text
        assert response.json()["type"].endswith("/render-failed")
        assert "loops" in response.json()["detail"]


def test_bodies_and_variants_are_bounded_in_size(client: TestClient, cast: Cast) -> None:
    big = "x" * 15_000 + " {{ cta }}"
    three_big_bodies = {
        channel: {"body": big, "cta": "Go", "subject": "Hi"}
        for channel in ("default", "email", "chat")
    }
    response = client.post(
        "/api/v1/templates",
        json=_template("{{ cta }}", variants={"A": three_big_bodies}),
        headers=cast.maya.headers,
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "variants.A"
    assert "a variant may have 40000" in error["message"]
    eleven = {
        f"V{n}": {"default": {"body": "{{ cta }}", "cta": "Go", "subject": "Hi"}} for n in range(11)
    }
    response = client.post(
        "/api/v1/templates", json=_template("{{ cta }}", variants=eleven), headers=cast.maya.headers
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "variants", "message": "at most 10 variants"}]
    long_cta = _template("{{ cta }}")
    long_cta["variants"]["A"]["default"]["cta"] = "c" * 501  # type: ignore[index]
    response = client.post("/api/v1/templates", json=long_cta, headers=cast.maya.headers)
    assert response.status_code == 422


@pytest.mark.timeout(30)
def test_a_render_that_would_grow_without_bound_is_stopped(client: TestClient, cast: Cast) -> None:
    """A short body can place a long value many times: a 2,000-character name 1,000 times is
    two million characters, refused as it grows."""
    body = {"body": "{{ customer_name }}" * 1000 + " {{ cta }}", "cta": "Go", "subject": "Hi"}
    short = {"body": "Hi {{ customer_name }} {{ cta }}", "cta": "Go"}
    variants = {"A": {"default": body, "sms": short, "whatsapp": short}}
    created = client.post(
        "/api/v1/templates", json=_template("", variants=variants), headers=cast.maya.headers
    )
    assert created.status_code == 201, created.text
    response = client.post(
        "/api/v1/templates/greeting/preview",
        json={"channel": "chat", "variables": {"customer_name": "n" * 2000}},
        headers=cast.maya.headers,
    )
    assert response.status_code == 422
    assert "passes 100000 characters" in response.json()["detail"]
