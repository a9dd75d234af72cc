"""Reply templates (everyone reads, managers change) and macros: an agent replying on a ticket
with a template."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from minidesk.db import commit
from minidesk.desk import access
from minidesk.desk.messages import MessageError, MessageType
from minidesk.desk.models import Message, Status
from minidesk.desk.tickets import TicketChangeError
from minidesk.desk.users import actor_of
from minidesk.replies import RenderError, TemplateError, TemplateSpec, do_send_template
from minidesk.replies.render import render_spec
from minidesk.replies.spec import (
    CHANNELS,
    MAX_BODY_CHARS,
    MAX_CTA_CHARS,
    MAX_SUBJECT_CHARS,
    Body,
)
from minidesk.replies.store import Listed, do_save_template, get_listed, list_templates
from minidesk.ticket_fields.values import FieldValueError, check_ticket_update
from minidesk.web.api import PREFIX
from minidesk.web.api.rules import ManagerDep
from minidesk.web.api.tickets import field_problem
from minidesk.web.deps import SessionDep, UserDep, WorkspaceDep, WriteSessionDep
from minidesk.web.pagination import Page
from minidesk.web.problems import Problem
from minidesk.web.schemas import MessageOut

router = APIRouter(prefix=PREFIX, tags=["templates"])


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# A token's value in a macro or preview: a name, an address, a reason, never a document.
Value = Annotated[str, Field(max_length=2000)]
Variables = Annotated[dict[str, Value], Field(max_length=50)]


class BodyIn(Strict):
    body: str = Field(min_length=1, max_length=MAX_BODY_CHARS)
    cta: str = Field(
        max_length=MAX_CTA_CHARS,
        description="the one call to action; the body places it with {{ cta }}",
    )
    subject: str | None = Field(None, max_length=MAX_SUBJECT_CHARS)


class TemplateIn(Strict):
    key: str = Field(max_length=64)
    name: str = Field(max_length=200)
    tokens: list[str] = Field(default_factory=list, max_length=50)
    variants: dict[str, dict[str, BodyIn]] = Field(
        description="variant name → channel (default, email, sms …) → body"
    )
    enabled: bool = True


class TemplatePatch(Strict):
    name: str | None = Field(None, max_length=200)
    tokens: list[str] | None = Field(None, max_length=50)
    variants: dict[str, dict[str, BodyIn]] | None = None
    enabled: bool | None = None


class TemplateOut(BaseModel):
    key: str
    name: str
    tokens: list[str]
    variants: dict[str, Any]
    builtin: bool
    customised: bool
    enabled: bool


class PreviewIn(Strict):
    channel: str = Field("email", description=f"one of {', '.join(CHANNELS[1:])}")
    variables: Variables = Field(default_factory=dict)
    variant: str | None = None


class PreviewOut(BaseModel):
    text: str
    html: str | None
    subject: str | None
    variant: str
    cta: str


class MacroIn(Strict):
    variables: Variables = Field(default_factory=dict)
    type: Literal["reply", "note"] = "reply"
    status: Status | None = None


def _out(listed: Listed) -> TemplateOut:
    spec = listed.spec
    return TemplateOut(
        key=spec.key,
        name=spec.name,
        tokens=list(spec.tokens),
        variants=spec.variants_data(),
        builtin=listed.builtin,
        customised=listed.customised,
        enabled=listed.enabled,
    )


def _spec(
    key: str, name: str, tokens: list[str], variants: dict[str, dict[str, BodyIn]]
) -> TemplateSpec:
    return TemplateSpec(
        key=key,
        name=name,
        tokens=tuple(tokens),
        variants={
            v: {c: Body(body=b.body, cta=b.cta, subject=b.subject) for c, b in chans.items()}
            for v, chans in variants.items()
        },
    )


def _invalid(exc: TemplateError) -> Problem:
    return Problem(
        422,
        str(exc),
        slug="invalid-template",
        errors=[{"field": e.field, "message": e.message} for e in exc.errors],
    )


def _listed(session: SessionDep | WriteSessionDep, key: str) -> Listed:
    listed = get_listed(session, key)
    if listed is None:
        raise Problem(404, f"no template {key!r}")
    return listed


@router.get("/templates", response_model=Page[TemplateOut])
def list_all(session: SessionDep, user: UserDep) -> Page[TemplateOut]:
    """Built-in and saved templates by key; a saved one replaces the built-in of its key."""
    return Page[TemplateOut](items=[_out(t) for t in list_templates(session)], next_cursor=None)


@router.get("/templates/{key}", response_model=TemplateOut)
def get_one(key: str, session: SessionDep, user: UserDep) -> TemplateOut:
    return _out(_listed(session, key))


@router.post("/templates", status_code=201, response_model=TemplateOut)
def create(body: TemplateIn, session: WriteSessionDep, user: ManagerDep) -> TemplateOut:
    existing = get_listed(session, body.key)
    if existing is not None and existing.customised:
        raise Problem(409, f"template {body.key!r} exists; PATCH it instead")
    spec = _spec(body.key, body.name, body.tokens, body.variants)
    try:
        do_save_template(session, spec, actor_of(user), author=user, enabled=body.enabled)
    except TemplateError as exc:
        raise _invalid(exc) from exc
    commit(session)
    return _out(_listed(session, body.key))


@router.patch("/templates/{key}", response_model=TemplateOut)
def update(
    key: str, body: TemplatePatch, session: WriteSessionDep, user: ManagerDep
) -> TemplateOut:
    current = _listed(session, key)
    spec = current.spec
    if body.variants is not None:
        spec = _spec(key, spec.name, list(spec.tokens), body.variants)
    spec = TemplateSpec(
        key=key,
        name=body.name if body.name is not None else spec.name,
        tokens=tuple(body.tokens) if body.tokens is not None else spec.tokens,
        variants=spec.variants,
    )
    enabled = body.enabled if body.enabled is not None else current.enabled
    try:
        do_save_template(session, spec, actor_of(user), author=user, enabled=enabled)
    except TemplateError as exc:
        raise _invalid(exc) from exc
    commit(session)
    return _out(_listed(session, key))


@router.post("/templates/{key}/preview", response_model=PreviewOut)
def preview(key: str, body: PreviewIn, session: SessionDep, user: UserDep) -> PreviewOut:
    """Render with sample values for any token not given in ``variables``."""
    from minidesk.replies.tokens import TOKENS

    spec = _listed(session, key).spec
    context = {name: token.sample for name, token in TOKENS.items()} | body.variables
    try:
        rendered = render_spec(spec, channel=body.channel, context=context, variant=body.variant)
    except RenderError as exc:
        raise Problem(422, str(exc), slug="render-failed") from exc
    return PreviewOut(
        text=rendered.text,
        html=rendered.html,
        subject=rendered.subject,
        variant=rendered.variant,
        cta=rendered.cta,
    )


@router.post("/tickets/{number}/macros/{key}", status_code=201, response_model=MessageOut)
def run_macro(
    number: int,
    key: str,
    body: MacroIn,
    session: WriteSessionDep,
    user: UserDep,
    workspace: WorkspaceDep,
) -> Message:
    """Reply (or note) on a ticket with template ``key``: the ticket fills the customer's name,
    ticket number and your name; ``variables`` fill the rest. A missing value is a 422."""
    ticket = access.access_ticket(session, user, number, workspace.restrict_agents_to_teams)
    try:
        check_ticket_update(session, ticket, body.status, None)
    except FieldValueError as exc:
        raise field_problem(exc) from exc
    try:
        message = do_send_template(
            session,
            ticket,
            key,
            actor_of(user),
            variables=body.variables,
            author=user,
            kind=MessageType(body.type),
            status=body.status,
        )
    except RenderError as exc:
        raise Problem(422, str(exc), slug="render-failed") from exc
    except (MessageError, TicketChangeError) as exc:
        raise Problem(409, str(exc)) from exc
    commit(session)
    return message
