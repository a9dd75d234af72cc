"""Every route, every caller (no token, agent, lead, manager, admin), team restriction off and
on: the status each must get, and that Support's secret never reaches bob (agent, Billing)
while agents are restricted to their teams.

``ROUTES`` has one line per route of the app; a route without a line fails
``test_every_route_has_a_line``. A line names the lowest role that may call the route (None:
no token needed), the status such a caller gets, whether the request targets Support's
customer or ticket (``hides``: 404 for a restricted Billing agent, word for word as a missing
one) and whether the answer carries Support's secret to whoever may see it (``reveals``: so the
secret's absence for bob means something). Path parameters come from ``_params``; a line's
``path`` overrides them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocketDisconnect
from tests.conftest import Cast, Person, build_snapshot, share_openapi
from tests.desk.visibility_world import CANARY, World, build, restrict
from tests.snapshots import Snapshot

from minidesk import db, settings
from minidesk.channels.email import store
from minidesk.channels.service import do_create_channel
from minidesk.commerce.money import Money
from minidesk.db import Database
from minidesk.desk.access import RANK
from minidesk.desk.models import Attachment, Message, Role
from minidesk.events import SYSTEM
from minidesk.inbox import InboxItem
from minidesk.policies.approvals import do_request_approval
from minidesk.policies.decisions import Decision, Outcome
from minidesk.policies.models import ApprovalKind

A, L, M, ADM = Role.AGENT, Role.LEAD, Role.MANAGER, Role.ADMIN
# A WebSocket's line: opening it is the request, 101 (switching protocols) its success and
# its 4401 close a 401. What flows on it is checked per ticket in tests/realtime.
WS = "WEBSOCKET"
MISSING = 999_999
NOTE = {"text": "checked with the warehouse", "type": "note"}
NO_REFUNDS = {"may_refund": False, "cap_minor": 0, "daily_budget_minor": 0}


@dataclass(frozen=True)
class Line:
    method: str
    path: str
    ok: int  # what a caller who may call it gets
    role: Role | None = A  # the lowest role that may; None: no token needed
    hides: bool = False
    reveals: bool = False
    json: Any = None
    query: dict[str, Any] = field(default_factory=dict)
    data: dict[str, str] | None = None
    params: dict[str, str] = field(default_factory=dict)  # overrides of _params' choices


def line(method: str, path: str, ok: int, role: Role | None = A, **more: Any) -> Line:
    return Line(method, path, ok, role, **more)


V1 = "/api/v1"
ROUTES = [
    # Public: documents, health, the signed provider hook, the front page.
    line("GET", "/openapi.json", 200, None),
    line("GET", "/docs", 200, None),
    line("GET", "/docs/oauth2-redirect", 200, None),
    line("GET", "/redoc", 200, None),
    # The agent workspace: signed in by its session cookie, never by a bearer token, so every
    # caller here is a visitor (the cookie's own checks: tests/web/ui/test_sessions.py).
    line("GET", "/", 200, None),
    line("POST", "/sign-in", 403, None, data={"email": "x@y.z", "password": "nope"}),
    line("POST", "/sign-out", 303, None, data={}),
    line("POST", "/sign-out-everywhere", 303, None, data={}),
    line("GET", "/inbox", 303, None),
    line("GET", "/tickets/{number}", 303, None),
    line("POST", "/tickets/{number}/messages", 303, None, data={"text": "hi"}),
    line("POST", "/tickets/{number}/properties", 303, None, data={"priority": "P1"}),
    line(
        "POST",
        "/tickets/{number}/actions/{action}",
        303,
        None,
        data={},
        params={"action": "invoice_word"},
    ),
    line("GET", "/tickets/{number}/composer/preview", 303, None),
    line("POST", "/tickets/{number}/composer/length", 303, None, data={"text": "hi"}),
    line("POST", "/tickets/{number}/intent", 303, None, data={"intent": "refund"}),
    line("POST", "/tickets/{number}/escalate", 303, None, data={"tier": "2", "note": "x"}),
    line("POST", "/tickets/{number}/incident/checklist", 303, None, data={"item": "close_out"}),
    line("POST", "/tickets/{number}/incident/acknowledge", 303, None, data={}),
    line("POST", "/inbox/bulk", 303, None, data={"action": "solve"}),
    line("GET", "/approvals", 303, None),
    line("GET", "/customers", 303, None),
    line("GET", "/search", 303, None),
    line("GET", "/account", 303, None),
    line("GET", "/staffing", 303, None),
    line("GET", "/insights", 303, None),
    line("GET", "/insights/tickets", 303, None),
    line("GET", "/insights/tickets.csv", 303, None),
    line("GET", "/insights/operations", 303, None),
    line("GET", "/insights/operations/tickets", 303, None),
    line("GET", "/insights/operations/tickets.csv", 303, None),
    line("GET", "/insights/costs", 303, None),
    line("POST", "/insights/costs", 303, None, data={"currency": "EUR", "agent_hour": "1",
         "tooling_month": "1", "sms_message": "1", "whatsapp_message": "1"}),
    line("GET", "/insights/root-causes", 303, None),
    line("POST", "/insights/pilots", 303, None, data={"name": "x", "intent": "refund",
         "started_on": "2026-03-01", "investment": "1"}),
    line("POST", "/insights/pilots/{pilot_id}/delete", 303, None, data={}),
    line("GET", "/qa", 303, None),
    line("GET", "/qa/reviews/{review_id}", 303, None),
    line("POST", "/qa/reviews/{review_id}", 303, None, data={"item_took_ownership": "4"}),
    line("POST", "/qa/reviews/{review_id}/dispute", 303, None, data={"text": "unfair"}),
    line("GET", "/qa/gates", 303, None),
    line("POST", "/qa/gates", 303, None, data={"skill": "escalations", "min_qa_percent": "85",
         "min_csat_average": "4.2", "window_days": "90", "min_reviews": "1", "min_answers": "1"}),
    # Survey pages: public, the signed token is the key; a forged one is a 404 for anyone.
    line("GET", "/s/{token}", 404, None, query={"score": 5}, params={"token": "survey_token"}),
    line("POST", "/s/{token}", 404, None, data={"score": "5"}, params={"token": "survey_token"}),
    line("GET", "/s/{token}/unsubscribe", 404, None, params={"token": "survey_token"}),
    line("POST", "/s/{token}/unsubscribe", 404, None, data={}, params={"token": "survey_token"}),
    line("GET", "/inbox/rows", 303, None, query={"ticket": 1}),
    line("GET", "/inbox/counts", 303, None),
    line("POST", "/inbox/views", 303, None, data={"name": "x"}),
    line("POST", "/inbox/views/{view_id}", 303, None, data={"name": "x"}),
    line("POST", "/inbox/views/{view_id}/delete", 303, None, data={}),
    line("POST", "/inbox/views/{view_id}/filters", 303, None, data={"priority": "P1"}),
    line("GET", "/tickets/{number}/entries", 303, None),
    line("POST", "/account/two-factor/{step}", 303, None, data={}, params={"step": "begin_word"}),
    line("POST", "/sign-in/code", 403, None, data={"code": "123456", "pending": "1.2.3"}),
    line("GET", "/customers/{customer_id}", 303, None),
    line("POST", "/customers/{customer_id}/merge", 303, None, data={}),
    line("POST", "/customers/{customer_id}/unmerge/{event_id}", 303, None, data={},
         params={"event_id": "none"}),
    line(
        "POST",
        "/approvals/{approval_id}/{decision}",
        303,
        None,
        data={},
        params={"decision": "approve_word"},
    ),
    # The admin pages (their roles: tests/web/ui/test_admin_pages.py).
    line("GET", "/admin", 303, None),
    line("GET", "/admin/users", 303, None),
    line("POST", "/admin/users", 303, None, data={}),
    line("POST", "/admin/users/{user_id}", 303, None, data={}),
    line("POST", "/admin/teams", 303, None, data={}),
    line("GET", "/admin/channels", 303, None),
    line("GET", "/admin/channels/new", 303, None),
    line("GET", "/admin/channels/{channel_id}", 303, None),
    line("POST", "/admin/channels", 303, None, data={}),
    line("POST", "/admin/channels/{channel_id}", 303, None, data={}),
    line("GET", "/admin/rules", 303, None),
    line("GET", "/admin/rules/new", 303, None),
    line("GET", "/admin/rules/{rule_id}", 303, None),
    line("POST", "/admin/rules/save", 303, None, data={}),
    line("POST", "/admin/rules/{rule_id}/{action}", 303, None, data={},
         params={"action": "enable_word"}),
    line("GET", "/admin/templates", 303, None),
    line("GET", "/admin/templates/new", 303, None),
    line("GET", "/admin/templates/{key}", 303, None),
    line("POST", "/admin/templates", 303, None, data={}),
    line("GET", "/admin/policies", 303, None),
    line("POST", "/admin/policies", 303, None, data={}),
    line("GET", "/admin/intents", 303, None),
    line("POST", "/admin/intents/{version}/activate", 303, None, data={}),
    line("GET", "/admin/queues", 303, None),
    line("POST", "/admin/inbox/{inbox_id}/{action}", 303, None, data={},
         params={"action": "release_word"}),
    line("POST", "/admin/dead-letters/{outbox_id}/retry", 303, None, data={}),
    line("GET", "/admin/settings", 303, None),
    line("GET", "/admin/routing", 303, None),
    line("POST", "/admin/routing/agents/{user_id}", 303, None, data={}),
    line("POST", "/admin/routing/teams/{team_id}", 303, None, data={},
         params={"team_id": "support_team"}),
    line("POST", "/admin/settings", 303, None, data={}),
    line("GET", "/admin/ticket-fields", 303, None),
    line("POST", "/admin/ticket-fields", 303, None, data={}),
    line("GET", "/admin/ticket-fields/{field_id}", 303, None),
    line("POST", "/admin/ticket-fields/{field_id}", 303, None, data={}),
    line("POST", "/tickets/{number}/fields", 303, None, data={}),
    line("POST", "/tickets/{number}/customer-tags", 303, None, data={}),
    # Static assets (the workspace's own, Swagger UI's and ReDoc's).
    line("GET", "/static/ui/{path}", 200, None, params={"path": "ui_asset"}),
    line("GET", "/static/docs/{path}", 200, None, params={"path": "docs_asset"}),
    line("GET", "/healthz", 200, None),
    line("GET", "/metrics", 200, None),
    line("POST", "/hooks/email/{channel_id}/mailgun", 422, None, data={}),
    # Twilio's hooks: signed with the channel's auth token (tests/sms); no such SMS channel here.
    line("POST", "/hooks/sms/{channel_id}/twilio", 404, None, data={}),
    line("POST", "/hooks/sms/{channel_id}/twilio/status", 404, None, data={}),
    # Meta's hooks: a verify token and X-Hub-Signature-256 (tests/whatsapp); no such channel here.
    line("GET", "/hooks/whatsapp/{channel_id}", 404, None),
    line("POST", "/hooks/whatsapp/{channel_id}", 404, None, json={}),
    line("POST", f"{V1}/auth/token", 401, None, data={"username": "x@y.z", "password": "nope"}),
    # The agents' stream.
    line(WS, f"{V1}/stream", 101),
    # The web chat: public, but its socket needs a chat channel and one of its origins
    # (tests/chat has the rest).
    line("GET", "/widget.js", 200, None),
    line(WS, "/chat/ws", 404, None),
    # The API channel.
    line(
        "POST",
        f"{V1}/inbound/messages",
        202,
        json={"customer": {"email": "walk@example.com"}, "text": "hi", "external_id": "walk-1"},
    ),
    # Only the API client that handed a message in reads its status; Sam's came another way.
    line("GET", f"{V1}/inbound/messages/{{inbox_id}}", 404),
    # Tickets.
    line("GET", f"{V1}/tickets", 200, reveals=True, query={"q": CANARY}),
    line("GET", f"{V1}/tickets/{{number}}", 200, hides=True, reveals=True),
    line("PATCH", f"{V1}/tickets/{{number}}", 200, hides=True, json={}),
    line("GET", f"{V1}/tickets/{{number}}/messages", 200, hides=True, reveals=True),
    line("POST", f"{V1}/tickets/{{number}}/messages", 201, hides=True, json=NOTE),
    line("GET", f"{V1}/tickets/{{number}}/timeline", 200, hides=True, reveals=True),
    line("POST", f"{V1}/tickets/{{number}}/work", 200, hides=True,
         json={"visit": "visit-visibility", "active_seconds": 10}),
    line(
        "POST",
        f"{V1}/tickets/{{number}}/refunds",
        409,
        hides=True,
        json={"order_number": "9999", "amount_minor": 100},
    ),
    line("GET", f"{V1}/tickets/{{number}}/resolution", 200, hides=True),
    # The order is no customer's: refused by policy, but only after the ticket is found visible.
    line(
        "POST",
        f"{V1}/tickets/{{number}}/actions/{{action}}",
        409,
        hides=True,
        json={"idempotency_key": "visibility-check", "order_number": "9999"},
        params={"action": "invoice_word"},
    ),
    # Rendering fails for want of variables, but only after the ticket is found visible.
    line("POST", f"{V1}/tickets/{{number}}/macros/{{key}}", 422, hides=True, json={"type": "note"}),
    # Customers: Sam is Support's only; Mia is both teams' (bob sees her Billing side).
    line("GET", f"{V1}/customers", 200, reveals=True, query={"q": CANARY}),
    # Search: tickets by default; customers are the same rule as the customer list above.
    line("GET", f"{V1}/search", 200, reveals=True, query={"q": CANARY}),
    line("GET", f"{V1}/customers/{{customer_id}}", 200, hides=True, reveals=True),
    line("GET", f"{V1}/customers/{{customer_id}}/orders", 200, hides=True),
    line("PATCH", f"{V1}/customers/{{customer_id}}", 200, hides=True, json={}),
    line(
        "GET",
        f"{V1}/customers/{{customer_id}}/timeline",
        200,
        reveals=True,
        params={"customer_id": "mia"},
    ),
    line(
        "GET",
        f"{V1}/customers/{{customer_id}}/messages",
        200,
        reveals=True,
        params={"customer_id": "mia"},
    ),
    line(
        "POST",
        f"{V1}/customers/{{customer_id}}/merge",
        409,
        L,
        hides=True,
        json={"source_id": "sam"},
    ),
    line(
        "POST",
        f"{V1}/customers/{{customer_id}}/unmerge",
        404,
        L,
        hides=True,
        json={"merge_event_id": MISSING},
    ),
    line(
        "POST",
        f"{V1}/customers/{{customer_id}}/identities",
        409,  # Mia owns it: a merge, not a move
        L,
        hides=True,
        json={"kind": "email", "value": "mia@example.com"},
    ),
    line(
        "DELETE",
        f"{V1}/customers/{{customer_id}}/identities",
        404,
        L,
        hides=True,
        query={"kind": "phone", "value": "+15550109999"},
    ),
    line("GET", f"{V1}/customers/{{customer_id}}/merge-suggestions", 200, hides=True),
    line("GET", f"{V1}/attachments/{{attachment_id}}", 200, hides=True, reveals=True),
    # Users and tokens.
    line("GET", f"{V1}/users/me", 200),
    line("GET", f"{V1}/users", 200, ADM),
    line("POST", f"{V1}/users", 201, ADM, json={"email": "walk@shop.example", "role": "agent"}),
    line("PATCH", f"{V1}/users/{{user_id}}", 200, ADM, json={}),
    line("GET", f"{V1}/users/{{user_id}}/tokens", 200, ADM),
    line("POST", f"{V1}/users/{{user_id}}/tokens", 201, ADM, json={"name": "walk"}),
    line("DELETE", f"{V1}/users/{{user_id}}/tokens/{{token_id}}", 204, ADM),
    # Teams: a restricted agent reads only their own (Support is not bob's); admins change them.
    line("GET", f"{V1}/teams", 200),
    line("POST", f"{V1}/teams", 201, ADM, json={"name": "Walk-ins"}),
    line("GET", f"{V1}/teams/{{team_id}}", 200, hides=True, params={"team_id": "support_team"}),
    line("PATCH", f"{V1}/teams/{{team_id}}", 200, ADM, json={}, params={"team_id": "support_team"}),
    # Support still has tickets: refused, and it stays for the lines after this one.
    line("DELETE", f"{V1}/teams/{{team_id}}", 409, ADM, params={"team_id": "support_team"}),
    line("GET", f"{V1}/auth/tokens", 200),
    # alice's spare token is nobody else's to revoke.
    line("DELETE", f"{V1}/auth/tokens/{{token_id}}", 404),
    line("GET", f"{V1}/integrations", 200, ADM),
    line("POST", f"{V1}/integrations", 201, ADM, json={"name": "walk-app", "user_id": "user_id"}),
    line("DELETE", f"{V1}/integrations/{{token_id}}", 404, ADM),  # a personal token
    # Webhooks: only admins choose where the desk sends requests.
    line("POST", f"{V1}/customers/{{customer_id}}/webhook-secret", 409, ADM, hides=True),
    line("GET", f"{V1}/webhooks/rule-secret", 200, ADM, query={"url": "https://192.0.2.1/x"}),
    line("GET", f"{V1}/webhooks", 200, ADM),
    line("POST", f"{V1}/webhooks", 422, ADM, json={"url": "https://192.0.2.1/x", "events": []}),
    line("GET", f"{V1}/webhooks/{{webhook_id}}", 200, ADM),
    line("PATCH", f"{V1}/webhooks/{{webhook_id}}", 200, ADM, json={}),
    line("POST", f"{V1}/webhooks/{{webhook_id}}/secret", 200, ADM),
    line("GET", f"{V1}/webhooks/{{webhook_id}}/deliveries", 200, ADM),
    line("POST", f"{V1}/webhooks/{{webhook_id}}/test", 404, ADM, params={"webhook_id": "none"}),
    line(
        "POST",
        f"{V1}/webhooks/{{webhook_id}}/deliveries/{{delivery_id}}/replay",
        404,
        ADM,
        params={"delivery_id": "none"},
    ),
    line("DELETE", f"{V1}/webhooks/{{webhook_id}}", 404, ADM, params={"webhook_id": "none"}),
    # Administration.
    line("POST", f"{V1}/store/imports", 200, ADM, json={}),
    line("GET", f"{V1}/admin/inbox", 200, ADM),
    line("POST", f"{V1}/admin/inbox/{{inbox_id}}/retry", 409, ADM),
    line("DELETE", f"{V1}/admin/inbox/{{inbox_id}}", 409, ADM),
    line("GET", f"{V1}/admin/dead-letters", 200, ADM),
    line("POST", f"{V1}/admin/dead-letters/{{outbox_id}}/replay", 409, ADM),
    line("GET", f"{V1}/workspace", 200),
    line("PATCH", f"{V1}/workspace", 200, ADM, json={}),
    # Channels: agents list those of their teams (Support's "Zebra desk" is not bob's).
    line("GET", f"{V1}/channels", 200, reveals=True),
    line(
        "GET",
        f"{V1}/channels/{{channel_id}}",
        200,
        hides=True,
        reveals=True,
        params={"channel_id": "support_channel"},
    ),
    line("POST", f"{V1}/channels", 422, ADM, json={}),
    line(
        "PATCH",
        f"{V1}/channels/{{channel_id}}",
        200,
        ADM,
        json={},
        params={"channel_id": "support_channel"},
    ),
    line("GET", f"{V1}/email-channels", 200, ADM),
    line("POST", f"{V1}/email-channels", 422, ADM, json={}),
    line("PATCH", f"{V1}/email-channels/{{channel_id}}", 404, ADM, json={}),
    line("POST", f"{V1}/email-channels/quarantine/{{inbox_id}}/retry", 409, ADM),
    # Money: the pack, approvals (managers by default), per-person limits.
    line("GET", f"{V1}/policies", 200),
    line("PATCH", f"{V1}/policies", 200, ADM, json={}),
    line("GET", f"{V1}/approvals", 200, M),
    line("POST", f"{V1}/approvals/{{approval_id}}/approve", 409, M, json={"reason": "ok"}),
    line("POST", f"{V1}/approvals/{{approval_id}}/decline", 200, M, json={"reason": "no"}),
    line("PUT", f"{V1}/agents/{{user_id}}/limits", 200, M, json=NO_REFUNDS),
    # Rules, templates, triage.
    line("GET", f"{V1}/rules", 200, M),
    line("GET", f"{V1}/sla-policies", 200, L),
    line("POST", f"{V1}/sla-policies", 422, ADM, json={}),
    line("GET", f"{V1}/sla-policies/{{policy_id}}", 404, L),
    line("PATCH", f"{V1}/sla-policies/{{policy_id}}", 404, ADM, json={}),
    line("DELETE", f"{V1}/sla-policies/{{policy_id}}", 404, ADM),
    line("GET", f"{V1}/reports/sla", 200, L, query={"since": "2026-01-01", "until": "2026-12-31"}),
    line("GET", f"{V1}/surveys/settings", 200, L),
    line("PATCH", f"{V1}/surveys/settings", 422, M, json={"nope": 1}),
    line("GET", f"{V1}/surveys/responses", 200, L),
    line("GET", f"{V1}/reports/kpis", 200, L, query={"from": "2026-01-01", "to": "2026-12-31"}),
    line("GET", f"{V1}/reports/root-causes", 200, L,
         query={"from": "2026-01-01", "to": "2026-12-31"}),
    line("GET", f"{V1}/reports/experiments", 200, L,
         query={"from": "2026-01-01", "to": "2026-12-31", "template": "order_status"}),
    line("GET", f"{V1}/reports/backlog", 200, L, query={"at": "2026-03-01T00:00:00Z"}),
    line("GET", f"{V1}/reports/intents", 200, L, query={"from": "2026-01-01", "to": "2026-12-31"}),
    line("GET", f"{V1}/reports/tag-completion", 200, L,
         query={"from": "2026-01-01", "to": "2026-12-31"}),
    line("GET", f"{V1}/reports/repeat-contacts", 200, L,
         query={"from": "2026-01-01", "to": "2026-12-31"}),
    line("GET", f"{V1}/reports/handle-time", 200, L,
         query={"from": "2026-01-01", "to": "2026-12-31"}),
    line("GET", f"{V1}/reports/occupancy", 200, L,
         query={"from": "2026-01-01", "to": "2026-12-31"}),
    line("GET", f"{V1}/reports/cost-per-contact", 200, L,
         query={"from": "2026-01-01", "to": "2026-12-31"}),
    line("GET", f"{V1}/insights/costs", 200, L),
    line("GET", f"{V1}/reports/pilots", 200, L),
    line("POST", f"{V1}/reports/pilots", 422, M, json={}),
    line("GET", f"{V1}/reports/pilots/{{pilot_id}}", 404, L),
    line("PATCH", f"{V1}/reports/pilots/{{pilot_id}}", 404, M, json={}),
    line("DELETE", f"{V1}/reports/pilots/{{pilot_id}}", 404, M),
    line("PUT", f"{V1}/insights/costs", 422, ADM, json={"nope": 1}),
    line("GET", f"{V1}/qa/scorecard", 200),
    line("POST", f"{V1}/qa/scorecards", 422, M, json={}),
    line("POST", f"{V1}/qa/samples", 422, M, json={}),
    line("GET", f"{V1}/qa/reviews", 200),
    line("GET", f"{V1}/qa/reviews/{{review_id}}", 404),
    line("POST", f"{V1}/qa/reviews/{{review_id}}/score", 404, json={"scores": {}}),
    line("POST", f"{V1}/qa/reviews/{{review_id}}/dispute", 404, json={"text": "unfair"}),
    line("POST", f"{V1}/qa/reviews/{{review_id}}/resolve", 404, json={"resolution": "upheld"}),
    line("POST", f"{V1}/qa/coaching", 404, json={"agent_id": MISSING, "text": "listen more"}),
    line("GET", f"{V1}/qa/agents/{{user_id}}", 200, L),
    line("GET", f"{V1}/qa/gates", 200),
    line("PUT", f"{V1}/qa/gates/{{skill}}", 422, M, json={}, params={"skill": "approve_word"}),
    line("DELETE", f"{V1}/qa/gates/{{skill}}", 404, ADM, params={"skill": "approve_word"}),
    line("POST", f"{V1}/rules", 422, M, json={}),
    line("GET", f"{V1}/rules/export", 200, M),
    line("POST", f"{V1}/rules/dry-run", 422, M, json={}),
    line("POST", f"{V1}/rules/import", 422, M, json="- {}"),
    line("GET", f"{V1}/rules/{{rule_id}}", 404, M),
    line("PATCH", f"{V1}/rules/{{rule_id}}", 404, M, json={}),
    line("DELETE", f"{V1}/rules/{{rule_id}}", 404, M),
    line("GET", f"{V1}/templates", 200),
    line("GET", f"{V1}/templates/{{key}}", 200),
    line("POST", f"{V1}/templates", 422, M, json={}),
    line("PATCH", f"{V1}/templates/{{key}}", 200, M, json={}),
    line("POST", f"{V1}/templates/{{key}}/preview", 200, json={}),
    line("GET", f"{V1}/triage/models", 200, M),
    line("GET", f"{V1}/staffing/calculator", 200, L, query={"volume": 240, "aht": 360}),
    # Teams a restricted lead is in (the whole desk and other teams: tests/wfm).
    line("GET", f"{V1}/staffing/plan", 200, L, query={"team": "support_team"}),
    line("GET", f"{V1}/staffing/plans", 200, L, query={"by": "team"}),
    line("POST", f"{V1}/triage/models/{{version}}/activate", 404, ADM),
    # Saved views: olivia's is shared with everyone; only managers and admins change it. Its
    # tickets are each caller's own (Support's secret never reaches bob through it).
    line("GET", f"{V1}/views", 200),
    line("POST", f"{V1}/views", 201, json={"name": "Mine, P1", "filters": {"priority": ["P1"]}}),
    line("GET", f"{V1}/views/{{view_id}}", 200),
    line("GET", f"{V1}/views/{{view_id}}/tickets", 200, reveals=True),
    line("PATCH", f"{V1}/views/{{view_id}}", 200, M, json={"name": "Everything"}),
    line("DELETE", f"{V1}/views/{{view_id}}", 204, M),
    # Routing: alice's profile is for her Support lead and up; Support's settings likewise,
    # the workspace's for managers and up. Presence in the profile's answer is no secret.
    line("GET", f"{V1}/users/{{user_id}}/routing", 200, L),
    line("PUT", f"{V1}/users/{{user_id}}/routing", 200, L, json={"languages": ["en"]}),
    line("PUT", f"{V1}/users/{{user_id}}/presence", 200, L, json={"presence": "away"}),
    line("GET", f"{V1}/me/presence", 200),
    line("PUT", f"{V1}/me/presence", 200, json={"presence": "away"}),
    line("GET", f"{V1}/routing/settings", 200, M),
    line("PUT", f"{V1}/routing/settings", 200, M, json={"accept_minutes": 5}),
    line("GET", f"{V1}/routing/teams/{{team_id}}", 200, L, params={"team_id": "support_team"}),
    line("PUT", f"{V1}/routing/teams/{{team_id}}", 200, L, json={"accept_minutes": 5},
         params={"team_id": "support_team"}),
    line("POST", f"{V1}/tickets/{{number}}/accept", 200, hides=True),
    # Custom ticket fields: everyone reads the definitions, admins write them.
    line("GET", f"{V1}/ticket-fields", 200),
    line("POST", f"{V1}/ticket-fields", 422, ADM, json={}),
    line("GET", f"{V1}/ticket-fields/{{field_id}}", 404),
    line("PATCH", f"{V1}/ticket-fields/{{field_id}}", 404, ADM, json={}),
    # Escalation: the matrix is read by leads and written by managers; escalating a ticket
    # and its incident (Sam's has none: 404 past the ticket check) follow the ticket rule.
    line("GET", f"{V1}/escalation-rules", 200, L),
    line("POST", f"{V1}/escalation-rules", 422, M, json={}),
    line("GET", f"{V1}/escalation-rules/{{rule_id}}", 404, L),
    line("PATCH", f"{V1}/escalation-rules/{{rule_id}}", 404, M, json={}),
    line("DELETE", f"{V1}/escalation-rules/{{rule_id}}", 404, M),
    line("GET", f"{V1}/escalation-settings", 200, L),
    line("PUT", f"{V1}/escalation-settings", 200, M, json={"acknowledge_hours": 24}),
    line("POST", f"{V1}/tickets/{{number}}/escalate", 201, hides=True,
         json={"tier": 3, "note": "needs billing's eyes"}),
    line("GET", f"{V1}/tickets/{{number}}/escalations", 200, hides=True),
    line("GET", f"{V1}/tickets/{{number}}/incident", 404, hides=True),
    line("PUT", f"{V1}/tickets/{{number}}/incident/checklist/{{item}}", 404, hides=True,
         json={"done": True}),
    line("POST", f"{V1}/tickets/{{number}}/incident/acknowledge", 404, hides=True),
    # Knowledge base: agents read every article, leads and up write; search, suggestions for
    # the widget and feedback are public (they find public, published articles only).
    line("GET", f"{V1}/kb/articles", 200),
    line("POST", f"{V1}/kb/articles", 201, L, json={"title": "Walk"}),
    line("GET", f"{V1}/kb/articles/{{article_id}}", 404),
    line("PATCH", f"{V1}/kb/articles/{{article_id}}", 404, L, json={}),
    line("DELETE", f"{V1}/kb/articles/{{article_id}}", 404, L),
    line("GET", f"{V1}/kb/articles/{{article_id}}/versions", 404),
    line("POST", f"{V1}/kb/articles/{{article_id}}/rollback", 404, L, json={"version": 1}),
    line("POST", f"{V1}/kb/articles/{{article_id}}/feedback", 404, None, json={"helpful": True}),
    line("GET", f"{V1}/kb/categories", 200),
    line("POST", f"{V1}/kb/categories", 201, L, json={"slug": "walk", "name": "Walk"}),
    line("PATCH", f"{V1}/kb/categories/{{category_id}}", 404, L, json={}),
    line("DELETE", f"{V1}/kb/categories/{{category_id}}", 404, L),
    line("GET", f"{V1}/kb/search", 200, None, query={"q": "refund"}),
    line("GET", f"{V1}/kb/suggest", 200, None, query={"url": "/checkout", "q": "refund"}),
    line("GET", f"{V1}/kb/theme", 200),
    line("PUT", f"{V1}/kb/theme", 200, L,
         json={"primary_colour": "#123456", "accent_colour": "#f0f0f0"}),
    line("GET", f"{V1}/kb/analytics", 200, L),
    # Troubleshooting guides: leads and up, reading included (drafts are work in progress).
    line("GET", f"{V1}/kb/guides", 200, L),
    line("POST", f"{V1}/kb/guides", 201, L, json={"slug": "walk", "title": "Walk", "tree": {
        "start": "a", "nodes": {"a": {"end": {"handoff": "walk"}}}}}),
    line("GET", f"{V1}/kb/guides/{{guide_id}}", 404, L),
    line("PATCH", f"{V1}/kb/guides/{{guide_id}}", 404, L, json={}),
    line("DELETE", f"{V1}/kb/guides/{{guide_id}}", 404, L),
    # The help widget: page rules and allowed sites (tests/kb/test_page_rules_api.py); its
    # public endpoints answer any caller without Origin (tests/kb/test_help_widget_api.py).
    line("GET", f"{V1}/kb/page-rules", 200),
    line("POST", f"{V1}/kb/page-rules", 422, L, json={"pattern": "/x", "category_id": MISSING}),
    line("GET", f"{V1}/kb/page-rules/{{page_rule_id}}", 404),
    line("PATCH", f"{V1}/kb/page-rules/{{page_rule_id}}", 404, L, json={}),
    line("DELETE", f"{V1}/kb/page-rules/{{page_rule_id}}", 404, L),
    line("GET", f"{V1}/kb/widget", 200),
    line("PUT", f"{V1}/kb/widget", 200, L, json={"allowed_origins": []}),
    line("GET", f"{V1}/kb/widget/articles/{{article_id}}", 404, None),
    line("POST", f"{V1}/kb/widget/events", 204, None,
         json={"visit": "visit-abcdefgh", "action": "contacted"}),
    line("OPTIONS", f"{V1}/kb/widget/events", 204, None),
    # Files on articles (tests/kb/test_article_files.py): public only on the help centre, only
    # a public article's; an upload without a file is a 422 for a lead.
    line("GET", f"{V1}/kb/articles/{{article_id}}/files", 404),
    line("POST", f"{V1}/kb/articles/{{article_id}}/files", 422, L),
    line("GET", f"{V1}/kb/files/{{kb_file_id}}", 404),
    line("DELETE", f"{V1}/kb/files/{{kb_file_id}}", 404, L),
    line("GET", "/help/files/{kb_file_id}", 404, None),
    line("POST", "/kb/{article_id}/files", 303, None, data={"csrf": "x"}),
    line("POST", "/kb/files/{kb_file_id}/delete", 303, None, data={"csrf": "x"}),
    line("GET", "/help-widget.js", 200, None),
    line("GET", "/help-widget.css", 200, None),
    # Articles for Sam's ticket: found from its text, so only for who may see the ticket.
    line("GET", f"{V1}/tickets/{{number}}/suggested-articles", 200, hides=True),
    # Writing articles in the workspace (session only; leads and up: tests/kb).
    line("GET", "/kb", 303, None),
    line("GET", "/kb/new", 303, None),
    line("GET", "/kb/{article_id}", 303, None),
    line("POST", "/kb/save", 303, None, data={"title": "x", "csrf": "x"}),
    line("GET", "/kb/guides", 303, None),
    line("GET", "/kb/guides/new", 303, None),
    line("GET", "/kb/guides/{guide_id}", 303, None),
    line("POST", "/kb/guides/save", 303, None,
         data={"title": "x", "slug": "x", "tree": "{}", "csrf": "x"}),
    line("GET", "/kb/widget", 303, None),
    line("POST", "/kb/widget/origins", 303, None, data={"csrf": "x"}),
    line("POST", "/kb/widget/rules", 303, None, data={"csrf": "x"}),
    line("POST", "/kb/widget/rules/{page_rule_id}/delete", 303, None, data={"csrf": "x"}),
    # The public help centre (no sign-in).
    line("GET", "/help", 200, None),
    line("GET", "/help/theme.css", 200, None),
    line("GET", "/help/search", 200, None, query={"q": "refund"}),
    line("GET", "/help/categories/{slug}", 404, None, params={"slug": "missing_slug"}),
    line("GET", "/help/articles/{slug}", 404, None, params={"slug": "missing_slug"}),
    line("POST", "/help/articles/{slug}/feedback", 404, None, data={"helpful": "yes"},
         params={"slug": "missing_slug"}),
    # Troubleshooting guides in the help centre: a run is steered only by its unguessable token.
    line("GET", "/help/guides", 200, None),
    line("GET", "/help/guides/{slug}", 404, None, params={"slug": "missing_slug"}),
    line("POST", "/help/guides/{slug}/start", 404, None, data={},
         params={"slug": "missing_slug"}),
    line("GET", "/help/guides/{slug}/runs/{token}", 404, None,
         params={"slug": "missing_slug", "token": "missing_slug"}),
    line("POST", "/help/guides/{slug}/runs/{token}", 404, None, data={"choice": "1"},
         params={"slug": "missing_slug", "token": "missing_slug"}),
    # Last: it retires the caller's token.
    line("POST", f"{V1}/auth/token/rotate", 201),
]

CALLERS = ["nobody", "agent", "lead", "manager", "admin"]


def _callers(cast: Cast) -> dict[str, Person | None]:
    # bob is the agent: he is in Billing, and every hidden thing is Support's.
    return {
        "nobody": None,
        "agent": cast.bob,
        "lead": cast.leo,
        "manager": cast.maya,
        "admin": cast.olivia,
    }


def _params(client: TestClient, cast: Cast, world: World) -> dict[str, Any]:
    token = client.post(
        f"{V1}/users/{cast.alice.id}/tokens", json={"name": "spare"}, headers=cast.olivia.headers
    ).json()["id"]
    # Disabled: the world's events must not make the suite call a public address.
    webhook = client.post(
        f"{V1}/webhooks",
        json={"url": "https://93.184.215.14/hook", "events": ["*"], "enabled": False},
        headers=cast.olivia.headers,
    ).json()["id"]
    view = client.post(
        f"{V1}/views", json={"name": "All", "shared": True}, headers=cast.olivia.headers
    ).json()["id"]
    with db.get_db().transaction() as session:
        decision = Decision("refund", Outcome.APPROVAL, "agent.cap", "over cap", Money(100, "USD"))
        approval = do_request_approval(
            session,
            ApprovalKind.REFUND,
            decision,
            SYSTEM,
            ticket_id=world.sam_ticket,
            customer_id=world.sam,
            order_number="9999",
        ).id
        inbox_id = session.scalars(
            select(InboxItem.id).where(InboxItem.ticket_id == world.sam_ticket)
        ).one()
        # A file on Sam's ticket that carries Support's secret.
        secret_file = store.blob(b"zebra measurements.txt", "text/plain")
        store.write(session, [secret_file])
        first = session.scalars(
            select(Message.id).where(Message.ticket_id == world.sam_ticket).order_by(Message.id)
        ).first()
        attachment = Attachment(
            message_id=first, filename="sizes.txt", content_type="text/plain", size=22,
            storage_key=secret_file.key,
        )  # fmt: skip
        session.add(attachment)
        session.flush()
        attachment_id = attachment.id
        support_channel = do_create_channel(
            session, "email", {"name": "Zebra desk", "team_id": cast.support_team,
                               "settings": {"address": "zebra@shop.example"}}, SYSTEM,
        ).id  # fmt: skip
    return {
        "number": world.sam_ticket,
        "customer_id": world.sam,
        "sam": world.sam,
        "mia": world.mia,
        "user_id": cast.alice.id,
        "token_id": token,
        "approval_id": approval,
        "key": "address_changed",  # a built-in template that needs variables
        "inbox_id": inbox_id,
        "attachment_id": attachment_id,
        "outbox_id": MISSING,
        "channel_id": MISSING,
        "support_channel": support_channel,
        "support_team": cast.support_team,
        "rule_id": MISSING,
        "policy_id": MISSING,
        "pilot_id": MISSING,
        "version": MISSING,
        "webhook_id": webhook,
        "delivery_id": MISSING,
        "none": MISSING,
        "ui_asset": "app.css",
        "approve_word": "approve",
        "release_word": "release",
        "enable_word": "enable",
        "invoice_word": "invoice",
        "begin_word": "begin",
        "docs_asset": "swagger-ui.css",
        "view_id": view,
        "field_id": MISSING,
        "item": "isolate_batch",
        "article_id": MISSING,
        "category_id": MISSING,
        "guide_id": MISSING,
        "page_rule_id": MISSING,
        "kb_file_id": MISSING,
        "missing_slug": "no-such-article",
        "survey_token": f"{MISSING}.{'A' * 22}",
        "review_id": MISSING,
    }


def expected(entry: Line, caller: Person | None, restricted: bool) -> int:
    if entry.role is None:
        return entry.ok
    if caller is None:
        return 401
    if RANK[caller.role] < RANK[entry.role]:
        return 403
    if entry.hides and restricted and caller.role == Role.AGENT:
        return 404
    return entry.ok


def _open_stream(client: TestClient, path: str, who: Person | None) -> int:
    try:
        with client.websocket_connect(path, headers=who.headers if who else {}) as socket:
            if who is None:
                socket.send_json({"op": "ping"})  # not an auth op: the socket closes
            assert socket.receive_json()["type"] == "hello"
    except WebSocketDisconnect as closed:  # refused at the handshake, or closed after it
        return closed.code - 4000
    return 101


def _request(client: TestClient, entry: Line, params: dict[str, Any], who: Person | None) -> Any:
    chosen = {**params, **{name: params[value] for name, value in entry.params.items()}}
    body = entry.json
    if isinstance(body, dict):  # a world name as a value stands for its id
        body = {k: chosen.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    return client.request(
        entry.method,
        entry.path.format(**chosen),
        # As in bodies, a world name as a query value stands for its id.
        params={k: chosen.get(v, v) if isinstance(v, str) else v for k, v in entry.query.items()},
        json=body,
        data=entry.data,
        headers=who.headers if who else {},
        follow_redirects=False,
    )


def _world(cast: Cast, restricted: bool) -> Callable[[Database], dict[str, Any]]:
    def build_world(database: Database) -> dict[str, Any]:
        from minidesk.web.app import create_app

        app = share_openapi(create_app(settings.get_settings(), embedded_workers=0))
        with TestClient(app) as client:
            params = _params(client, cast, build(cast))
            restrict(client, cast, restricted)
        return params

    return build_world


Worlds = dict[bool, tuple[Snapshot, dict[str, Any]]]


@pytest.fixture(scope="module")
def worlds(
    migrated_template: str,
    cast_snapshot: tuple[Snapshot, Cast],
    tmp_path_factory: pytest.TempPathFactory,
) -> Worlds:
    """The world and the rows ``_params`` names, restricted and not, built once per test
    process (half a second of CPU each): every test of the table starts from a copy, so what
    one caller's requests change never reaches another's."""
    base, cast = cast_snapshot
    directory = tmp_path_factory.mktemp("visibility")
    return {
        restricted: build_snapshot(migrated_template, directory, base, _world(cast, restricted))
        for restricted in (False, True)
    }


@pytest.fixture
def starting_state(request: pytest.FixtureRequest) -> Snapshot | None:
    """The table's tests start from their world; the others as everywhere (tests/conftest.py)."""
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and "restricted" in callspec.params:
        worlds: Worlds = request.getfixturevalue("worlds")
        return worlds[callspec.params["restricted"]][0]
    if "cast" in request.fixturenames:
        snapshot: Snapshot = request.getfixturevalue("cast_snapshot")[0]
        return snapshot
    return None


@pytest.mark.parametrize("restricted", [False, True], ids=["open", "restricted"])
@pytest.mark.parametrize("caller", CALLERS)
def test_the_table(
    client: TestClient, cast: Cast, worlds: Worlds, caller: str, restricted: bool
) -> None:
    params = worlds[restricted][1]
    who = _callers(cast)[caller]
    blind = restricted and caller == "agent"
    wrong = []
    for entry in ROUTES:
        where = f"{entry.method} {entry.path}"
        want = expected(entry, who, restricted)
        if entry.method == WS:
            if (status := _open_stream(client, entry.path, who)) != want:
                wrong.append(f"{where}: {status} (want {want})")
            continue
        response = _request(client, entry, params, who)
        if response.status_code != want:
            wrong.append(f"{where}: {response.status_code} (want {want}) {response.text[:200]}")
            continue
        if response.status_code >= 400 and entry.path.startswith(V1):
            assert response.headers["content-type"] == "application/problem+json", where
        seen = CANARY in response.text.lower()
        if blind:
            assert not seen, f"{where} shows Support's secret to bob"
        elif entry.reveals and response.is_success:
            assert seen, f"{where} should show Support's secret to {caller}"
    assert not wrong, "\n".join(wrong)


def _routes(routes: Iterable[BaseRoute]) -> Iterator[tuple[str, str]]:
    for route in routes:
        if isinstance(route, Route):  # APIRoute included
            methods = set(route.methods or ()) - {"HEAD"}  # HEAD comes with GET
            yield from ((method, route.path) for method in methods)
        elif isinstance(route, WebSocketRoute):
            yield WS, route.path
        elif (router := getattr(route, "original_router", None)) is not None:
            yield from _routes(router.routes)
        elif isinstance(route, Mount) and isinstance(route.app, StaticFiles):
            yield ("GET", f"{route.path}/{{path}}")
        else:  # another mount: give it a line type of its own first
            raise AssertionError(f"the table cannot walk {route!r} yet")


def test_every_route_has_a_line(client: TestClient) -> None:
    routes = set(_routes(client.app.routes))  # type: ignore[attr-defined]
    lines = [(entry.method, entry.path) for entry in ROUTES]
    assert len(lines) == len(set(lines)), "a route has two lines"
    assert routes - set(lines) == set(), "routes without a line in ROUTES"
    assert set(lines) - routes == set(), "lines for routes that do not exist"
