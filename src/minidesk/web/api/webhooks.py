"""Webhooks: subscriptions (admins: CRUD, secret rotation, a test ping, delivery history and
replay), a customer's webhook secret (admins and integrations), and the secret a rule
webhook's receiver verifies with (admins)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from minidesk import outbox
from minidesk.db import commit
from minidesk.desk.access import Permission, access_customer
from minidesk.desk.models import User
from minidesk.desk.users import actor_of
from minidesk.event_kinds import EventKind
from minidesk.events import emit
from minidesk.net import OutboundError
from minidesk.net.addresses import parse_url
from minidesk.web.api import PREFIX
from minidesk.web.deps import (
    CallerDep,
    SessionDep,
    UserDep,
    WorkspaceDep,
    WriteSessionDep,
    requires,
)
from minidesk.web.pagination import MAX_LIMIT, Page, decode_cursor, paginate
from minidesk.web.problems import Problem
from minidesk.webhooks.checks import check_may_set_webhook
from minidesk.webhooks.customers import do_rotate_customer_webhook_secret
from minidesk.webhooks.models import SubscriptionState, WebhookAttempt, WebhookSubscription
from minidesk.webhooks.signing import origin, rule_secret
from minidesk.webhooks.subscriptions import (
    InvalidSubscription,
    access_subscription,
    do_create_subscription,
    do_delete_subscription,
    do_ping,
    do_rotate_secret,
    do_update_subscription,
)

router = APIRouter(prefix=PREFIX, tags=["webhooks"])
AdminDep = Annotated[User, requires(Permission.MANAGE_WEBHOOKS)]
# A delivery an admin may send again: finished, well or badly. A parked one waits for its
# subscription to be re-enabled; a pending one is on its way already.
REPLAYABLE = (outbox.OutboxStatus.DEAD, outbox.OutboxStatus.SENT)


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


class WebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(max_length=2000)
    events: list[str] = Field(
        description="Event kinds (docs/events.md), prefixes such as `ticket.*`, or `*`"
    )
    description: str = Field("", max_length=500)
    enabled: bool = True


class WebhookPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str | None = Field(None, max_length=2000)
    events: list[str] | None = None
    description: str | None = Field(None, max_length=500)
    enabled: bool | None = Field(None, description="`true` also re-enables a failing one")


class WebhookOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    url: str
    events: list[str]
    description: str
    enabled: bool
    state: SubscriptionState
    consecutive_failures: int
    failing_since: dt.datetime | None
    created_by_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    secret: str | None = Field(
        None, description="The signing secret: only when created, rotated or the URL moved"
    )

    @classmethod
    def of(cls, subscription: WebhookSubscription, secret: str | None = None) -> WebhookOut:
        return cls.model_validate(subscription).model_copy(update={"secret": secret})


class AttemptOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    outbox_id: int
    event_id: int | None
    event_kind: str
    attempt: int
    status: str
    http_status: int | None
    latency_ms: int
    error: str | None
    response_body: str | None = Field(description="The start of the receiver's answer")
    created_at: dt.datetime


def _refused(exc: InvalidSubscription) -> Problem:
    """One 422 naming every refused field; its type is the field's own when only one is."""
    slugs = {slug for _, _, slug in exc.errors}
    slug = slugs.pop() if len(slugs) == 1 else "invalid-webhook"
    errors = [{"field": field, "message": message} for field, message, _ in exc.errors]
    return Problem(422, str(exc), slug=slug, errors=errors)


@router.get("/webhooks", response_model=Page[WebhookOut])
def list_webhooks(session: SessionDep, admin: AdminDep) -> Page[WebhookOut]:
    rows = session.scalars(select(WebhookSubscription).order_by(WebhookSubscription.id))
    return Page[WebhookOut](items=[WebhookOut.of(row) for row in rows], next_cursor=None)


@router.post("/webhooks", status_code=201, response_model=WebhookOut)
def create_webhook(body: WebhookIn, session: WriteSessionDep, admin: AdminDep) -> WebhookOut:
    """Subscribe a URL to event kinds; the answer carries its signing secret, shown once."""
    try:
        subscription, secret = do_create_subscription(session, admin, **body.model_dump())
    except InvalidSubscription as exc:
        raise _refused(exc) from exc
    commit(session)
    return WebhookOut.of(subscription, secret)


@router.get("/webhooks/{webhook_id}", response_model=WebhookOut)
def get_webhook(webhook_id: int, session: SessionDep, admin: AdminDep) -> WebhookOut:
    return WebhookOut.of(access_subscription(session, webhook_id))


@router.patch("/webhooks/{webhook_id}", response_model=WebhookOut)
def update_webhook(
    webhook_id: int, body: WebhookPatch, session: WriteSessionDep, admin: AdminDep
) -> WebhookOut:
    """Change a subscription; a new URL gets a new secret (in the answer, shown once)."""
    subscription = access_subscription(session, webhook_id)
    changes = body.model_dump(exclude_unset=True)
    if any(value is None for value in changes.values()):
        raise Problem(422, "a subscription's fields cannot be null", slug="invalid-webhook")
    try:
        secret = do_update_subscription(session, admin, subscription, changes)
    except InvalidSubscription as exc:
        raise _refused(exc) from exc
    commit(session)
    return WebhookOut.of(subscription, secret)


@router.delete("/webhooks/{webhook_id}", status_code=204)
def delete_webhook(webhook_id: int, session: WriteSessionDep, admin: AdminDep) -> Response:
    """Delete a subscription with its history; its deliveries still waiting are dropped."""
    do_delete_subscription(session, admin, access_subscription(session, webhook_id))
    commit(session)
    return Response(status_code=204)


@router.post("/webhooks/{webhook_id}/secret", response_model=WebhookOut)
def rotate_webhook_secret(webhook_id: int, session: WriteSessionDep, admin: AdminDep) -> WebhookOut:
    """A new signing secret, shown once; the old one stops verifying at once."""
    subscription = access_subscription(session, webhook_id)
    secret = do_rotate_secret(session, admin, subscription)
    commit(session)
    return WebhookOut.of(subscription, secret)


@router.post("/webhooks/{webhook_id}/test", status_code=202)
def ping_webhook(webhook_id: int, session: WriteSessionDep, admin: AdminDep) -> dict[str, int]:
    """Send a `webhook.pinged` event to this subscription only, even a failing one; the
    outcome shows in its deliveries."""
    do_ping(session, admin, access_subscription(session, webhook_id))
    commit(session)
    return {"webhook_id": webhook_id}


@router.get("/webhooks/{webhook_id}/deliveries", response_model=Page[AttemptOut])
def webhook_deliveries(
    webhook_id: int,
    session: SessionDep,
    admin: AdminDep,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    cursor: str | None = None,
) -> Page[AttemptOut]:
    """Every attempt to deliver to this subscription, newest first."""
    access_subscription(session, webhook_id)
    query = (
        select(WebhookAttempt)
        .where(WebhookAttempt.subscription_id == webhook_id)
        .order_by(WebhookAttempt.id.desc())
        .limit(limit + 1)
    )
    if below := decode_cursor(cursor):
        query = query.where(WebhookAttempt.id < below)
    return paginate(list(session.scalars(query)), limit, AttemptOut)


@router.post("/webhooks/{webhook_id}/deliveries/{delivery_id}/replay", status_code=202)
def replay_webhook_delivery(
    webhook_id: int, delivery_id: int, session: WriteSessionDep, admin: AdminDep
) -> dict[str, int]:
    """Send the event of this attempt again, once its delivery has finished (sent or dead);
    it keeps its Idempotency-Key."""
    attempt = session.get(WebhookAttempt, delivery_id)
    if attempt is None or attempt.subscription_id != webhook_id:
        raise Problem(404, f"webhook {webhook_id} has no delivery {delivery_id}")
    if not outbox.replay(session, attempt.outbox_id, REPLAYABLE):
        raise Problem(409, f"delivery {delivery_id} is still queued or parked")
    emit(session, EventKind.DELIVERY_REPLAYED, actor_of(admin), outbox_id=attempt.outbox_id)
    commit(session)
    return {"outbox_id": attempt.outbox_id}
