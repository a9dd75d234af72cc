"""Webhook secrets: rotate a customer's (admins and integrations), and read the one a rule
webhook's receiver verifies with (admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from minidesk.db import commit
from minidesk.desk.access import access_customer
from minidesk.desk.users import actor_of
from minidesk.net import OutboundError
from minidesk.net.addresses import parse_url
from minidesk.web.api import PREFIX
from minidesk.web.deps import CallerDep, UserDep, WorkspaceDep, WriteSessionDep
from minidesk.web.problems import Problem
from minidesk.webhooks.checks import check_may_set_webhook
from minidesk.webhooks.customers import do_rotate_customer_webhook_secret
from minidesk.webhooks.signing import origin, rule_secret

router = APIRouter(prefix=PREFIX, tags=["webhooks"])


class WebhookSecret(BaseModel):
    webhook_secret: str


class RuleWebhookSecret(BaseModel):
    origin: str
    webhook_secret: str


@router.post("/customers/{customer_id}/webhook-secret", response_model=WebhookSecret)
def rotate_customer_webhook_secret(
    customer_id: int,
    session: WriteSessionDep,
    user: UserDep,
    caller: CallerDep,
    workspace: WorkspaceDep,
) -> WebhookSecret:
    """A new signing secret for the customer's webhook, shown once; the old one stops
    verifying at once."""
    check_may_set_webhook(user, integration=caller.vouches)
    customer = access_customer(session, user, customer_id, workspace.restrict_agents_to_teams)
    if not customer.webhook_url:
        raise Problem(409, f"customer {customer_id} has no webhook URL", slug="no-webhook")
    secret = do_rotate_customer_webhook_secret(session, customer, actor_of(user))
    commit(session)
    return WebhookSecret(webhook_secret=secret)


@router.get("/webhooks/rule-secret", response_model=RuleWebhookSecret)
def rule_webhook_secret(
    user: UserDep,
    url: Annotated[str, Query(description="a rule webhook's URL")],
) -> RuleWebhookSecret:
    """The secret rule webhooks to this URL's origin (scheme, host, port) are signed with."""
    check_may_set_webhook(user)
    try:
        parse_url(url)
    except OutboundError as exc:
        raise Problem(422, exc.reason, slug="webhook-url-refused") from exc
    return RuleWebhookSecret(origin=origin(url), webhook_secret=rule_secret(url))
