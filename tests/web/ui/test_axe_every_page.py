"""Every page of the workspace passes axe-core with no serious or critical violation.

``PAGES`` maps each HTML page route of the app to the concrete URLs checked for it (every
built-in inbox view, a saved view, a ticket with its panels filled, each admin form);
``test_every_html_page_is_in_the_axe_list`` fails when a route that answers HTML is in
neither ``PAGES`` nor ``NOT_PAGES`` (fragments that pages load into themselves), so a new
page cannot ship unchecked. The account page is checked with two-factor set-up showing and
sign-in with the code step, which a form post opens."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import httpx
import pytest
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select
from starlette.routing import BaseRoute
from tests.conftest import Cast
from tests.insights.timeline import build
from tests.web.ui.test_browser import _password, _serious, _sign_in

from minidesk import db, inbox
from minidesk.channels.base import InboundMessage, Sender
from minidesk.commerce.money import Money
from minidesk.desk.models import Ticket
from minidesk.events import SYSTEM
from minidesk.insights.links import token_for
from minidesk.insights.models import Survey
from minidesk.insights.qa import do_sample
from minidesk.insights.qa_models import QaReview
from minidesk.kb.guide_models import KbGuide, RunSource
from minidesk.kb.guide_runs import current, do_choose, do_start_run
from minidesk.kb.models import KbArticle
from minidesk.kb.seed import seed_demo_articles, seed_demo_guides
from minidesk.policies.approvals import do_request_approval
from minidesk.policies.decisions import Decision, Outcome
from minidesk.policies.models import ApprovalKind
from minidesk.resolutions.runners import RUNNABLE
from minidesk.web.ui.views import VIEWS

# Route → the URLs axe checks for it; ``{name}`` stands for an id the world below makes.
PAGES: dict[str, list[str]] = {
    "/": ["/"],
    "/inbox": [
        *(f"/inbox?view={view.key}" for view in VIEWS),
        "/inbox?view=open&priority=P3&channel=api",
        "/inbox?saved={saved}",
    ],
    "/tickets/{number}": ["/tickets/{number}"],
    "/customers": ["/customers", "/customers?q=emma"],
    "/search": ["/search?q=invoice", "/search?q=emma&type=customers", "/search?q=zzzz"],
    "/customers/{customer_id}": ["/customers/{customer_id}"],
    "/approvals": ["/approvals"],
    "/account": ["/account"],
    "/staffing": ["/staffing"],
    "/admin": ["/admin"],
    "/admin/users": ["/admin/users"],
    "/admin/channels": ["/admin/channels"],
    "/admin/channels/new": ["/admin/channels/new?kind=email", "/admin/channels/new?kind=sms"],
    "/admin/channels/{channel_id}": ["/admin/channels/{channel_id}"],
    "/admin/queues": ["/admin/queues"],
    "/admin/rules": ["/admin/rules"],
    "/admin/rules/new": ["/admin/rules/new"],
    "/admin/rules/{rule_id}": ["/admin/rules/{rule_id}"],
    "/admin/templates": ["/admin/templates"],
    "/admin/templates/new": ["/admin/templates/new"],
    "/admin/templates/{key}": ["/admin/templates/pending_reminder"],
    "/admin/policies": ["/admin/policies"],
    "/admin/intents": ["/admin/intents"],
    "/admin/settings": ["/admin/settings"],
    "/admin/routing": ["/admin/routing"],
    "/admin/ticket-fields": ["/admin/ticket-fields"],
    "/admin/ticket-fields/{field_id}": ["/admin/ticket-fields/{field_id}"],
    "/kb": ["/kb"],
    "/kb/new": ["/kb/new"],
    "/kb/{article_id}": ["/kb/{article_id}"],
    "/kb/guides": ["/kb/guides"],
    "/kb/guides/new": ["/kb/guides/new"],
    "/kb/guides/{guide_id}": ["/kb/guides/{guide_id}"],
    "/help/guides": ["/help/guides"],
    "/help/guides/{slug}": ["/help/guides/where-is-my-parcel"],
    "/help/guides/{slug}/runs/{token}": [
        "/help/guides/where-is-my-parcel/runs/{run_asking}",
        "/help/guides/where-is-my-parcel/runs/{run_ended}",
    ],
    "/kb/widget": ["/kb/widget"],
    "/help": ["/help"],
    "/help/search": ["/help/search?q=refund", "/help/search?q=nothing+matches+this"],
    "/help/categories/{slug}": ["/help/categories/returns-refunds"],
    "/help/articles/{slug}": ["/help/articles/return-policy?locale=es"],
    "/insights": ["/insights?from=2026-03-02&to=2026-03-10"],
    "/insights/tickets": ["/insights/tickets?from=2026-03-02&to=2026-03-10&metric=csat"],
    "/insights/operations": [
        "/insights/operations?from=2026-03-02&to=2026-03-10&at=2026-03-09T10:00&by=team"
    ],
    "/insights/operations/tickets": [
        "/insights/operations/tickets?from=2026-03-02&to=2026-03-10&report=intents&list=tickets"
        "&key=refund"
    ],
    "/insights/costs": ["/insights/costs"],
    "/insights/root-causes": [
        "/insights/root-causes?from=2026-03-02&to=2026-03-10&template=shipping"
    ],
    "/qa": ["/qa"],
    "/qa/gates": ["/qa/gates"],
    "/qa/reviews/{review_id}": ["/qa/reviews/{review_id}"],
    "/s/{token}": ["/s/{survey}", "/s/{survey}?score=4"],
    "/s/{token}/unsubscribe": ["/s/{survey}/unsubscribe"],
    "/docs": ["/docs"],
    "/redoc": ["/redoc"],
}
# HTML routes that are not pages: what they answer is checked inside the page loading it.
NOT_PAGES = {
    "/inbox/rows": "rows the inbox page swaps in (test_live_inbox runs axe after they land)",
    "/tickets/{number}/entries": "timeline entries the ticket page appends",
    "/docs/oauth2-redirect": "Swagger UI's script-only hand-back of an OAuth popup",
}

# The API references are Swagger UI's and ReDoc's own markup and styles, bundled unchanged
# (``minidesk.web.docs``): these rules fail inside them (hundreds of nodes of their colour
# scheme, Swagger's buttons inside its operation buttons, ReDoc's unlabelled content-type
# select) and are allowed on those two pages only; everything else is checked there too.
THIRD_PARTY = {
    "/docs": frozenset({"color-contrast", "nested-interactive"}),
    "/redoc": frozenset({"color-contrast", "select-name"}),
}


def _walk(routes: Iterable[BaseRoute]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif (router := getattr(route, "original_router", None)) is not None:
            yield from _walk(router.routes)


def _answers_html(route: APIRoute) -> bool:
    response_class = getattr(route.response_class, "value", route.response_class)
    return "GET" in route.methods and response_class is HTMLResponse


def test_every_html_page_is_in_the_axe_list(client: TestClient) -> None:
    pages = {r.path for r in _walk(client.app.routes) if _answers_html(r)}  # type: ignore[attr-defined]
    assert pages - PAGES.keys() - NOT_PAGES.keys() == set(), "HTML pages axe never checks"
    assert (PAGES.keys() | NOT_PAGES.keys()) - pages == set(), "lines for pages that are gone"


def _world(base: str, cast: Cast) -> dict[str, Any]:
    """A ticket with every panel filled (orders, identities, other tickets, fields, an
    approval request), a saved view, a rule, a channel, a quarantined message."""
    from tests.ticket_fields.fields import ALL

    headers = cast.olivia.headers

    def post(path: str, body: dict[str, Any]) -> Any:
        answer = httpx.post(f"{base}{path}", json=body, headers=headers, timeout=60)
        assert answer.is_success, answer.text
        return answer.json()

    timeline = build(db.get_db(), cast)  # March's tickets: KPIs, QA samples, a survey
    with db.get_db().sessions() as session:
        timeline_customer = session.get_one(Ticket, timeline["T1"]).customer_id
    for field in ALL:
        post("/api/v1/ticket-fields", field)
    fields = httpx.get(f"{base}/api/v1/ticket-fields", headers=headers).json()["items"]
    customer = {"email": "emma.garcia@example.com", "name": "Emma Garcia"}
    first = post(
        "/api/v1/inbound/messages",
        {"customer": customer, "thread": "a", "text": "Where is 1003?", "external_id": "x-1"},
    )
    post(
        "/api/v1/inbound/messages",
        {"customer": customer, "thread": "b", "text": "Invoice please", "external_id": "x-2"},
    )
    number = first["ticket_number"]
    ticket = httpx.patch(
        f"{base}/api/v1/tickets/{number}",
        json={"custom_fields": {"order_number": "1003", "refund_reason": "late"}},
        headers=headers,
    )
    assert ticket.is_success, ticket.text
    customer_id = ticket.json()["customer_id"]
    with db.get_db().transaction() as session:
        seed_demo_articles(session)
        seed_demo_guides(session, RUNNABLE)
        guide = session.scalars(select(KbGuide)).one()
        asking = do_start_run(session, guide, RunSource.HELP_CENTRE)
        do_choose(session, guide, asking, current(guide, asking).options[0])
        ended = do_start_run(session, guide, RunSource.HELP_CENTRE)
        do_choose(session, guide, ended, current(guide, ended).options[1])
        runs = {"guide_id": guide.id, "run_asking": asking.token, "run_ended": ended.token}
        do_sample(session, "2026-03", SYSTEM)
        review_id = session.scalars(select(QaReview.id)).first()
        survey = Survey(kind="csat", trigger="transactional", status="sent",
                        ticket_id=timeline["T1"], customer_id=timeline_customer)  # fmt: skip
        session.add(survey)
        session.flush()
        survey_token = token_for(survey.id)
        article = session.scalars(select(KbArticle.id).where(KbArticle.slug == "return-policy"))
        article_id = article.first()
        decision = Decision("refund", Outcome.APPROVAL, "agent.cap", "over cap", Money(9000, "USD"))
        do_request_approval(session, ApprovalKind.REFUND, decision, SYSTEM, ticket_id=number,
                            customer_id=customer_id, order_number="1003")  # fmt: skip
    odd = InboundMessage(channel="api", external_id="q-1", sender=Sender(email="x@y.example"),
                         text="<b>odd</b>")  # fmt: skip
    inbox.accept(odd, status=inbox.InboxStatus.QUARANTINED, error="odd bytes")
    rule = post("/api/v1/rules", {"name": "VIP first", "event": "message.received",
                                  "actions": [{"type": "add_tags", "tags": ["vip"]}]})  # fmt: skip
    saved = post("/api/v1/views", {"name": "Mine, P1", "filters": {"priority": ["P1"]}})
    channel = post("/api/v1/channels", {"kind": "email", "name": "Help desk",
                                        "settings": {"address": "help@shop.example"}})  # fmt: skip
    post("/api/v1/kb/page-rules", {"pattern": "/returns*", "article_id": article_id})
    return {"number": number, "customer_id": customer_id, "saved": saved["id"],
            "rule_id": rule["id"], "channel_id": channel["id"],
            "field_id": fields[1]["id"], "article_id": article_id,
            "review_id": review_id, "survey": survey_token, **runs}  # fmt: skip


@pytest.mark.slow
@pytest.mark.timeout(900)  # some forty pages, each read whole by axe; no speed is measured
def test_every_page_passes_axe(page: Any, live_server: str, cast: Cast, store: Any) -> None:
    world = _world(live_server, cast)
    found: dict[str, list[str]] = {}
    page.goto(f"{live_server}/")
    found["/ (signed out)"] = _serious(page)
    _password(cast.olivia.email)
    _sign_in(page, live_server, cast.olivia.email)
    for urls in PAGES.values():
        for url in urls:
            path = url.format(**world)
            page.goto(f"{live_server}{path}")
            if path in ("/docs", "/redoc"):
                page.locator(".swagger-ui .opblock, h1").first.wait_for(timeout=60_000)
            found[path] = _serious(page, THIRD_PARTY.get(path, frozenset()))
    # The account page with two-factor set-up showing (its QR code and secret).
    page.goto(f"{live_server}/account")
    page.get_by_role("button", name="Set up two-factor sign-in").click()
    page.locator("#totp-secret").wait_for()
    found["/account (two-factor set-up)"] = _serious(page)
    assert {path: problems for path, problems in found.items() if problems} == {}
