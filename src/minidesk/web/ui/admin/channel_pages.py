"""Channels (admins): every mailbox, integration, number and widget; a new channel of any
kind an admin may create, and editing one, through the kind's typed settings. Secrets are
write-only: the page says which are set, never what they are."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from minidesk.channels import registry, service
from minidesk.channels.hours import BusinessHours
from minidesk.channels.kinds import ChannelError, ChannelKind
from minidesk.channels.models import Channel
from minidesk.db import commit, get_db
from minidesk.desk.access import Permission
from minidesk.desk.models import Team
from minidesk.desk.users import actor_of
from minidesk.web.ui.admin import typed_form
from minidesk.web.ui.admin.gate import admin_page
from minidesk.web.ui.render import redirect
from minidesk.web.ui.signed_in import Browser, BrowserDep, refused

router = APIRouter(include_in_schema=False)
NEEDS = Permission.MANAGE_CHANNELS
HERE = "/admin/channels"
MAX_FORM_FIELDS = 100


def _creatable() -> list[str]:
    return [k for k in registry.customer_kinds() if registry.kind(k).admin_creates]


def _fields(kind: ChannelKind) -> list[typed_form.FormField]:
    return typed_form.fields_of(kind.settings, "settings") + typed_form.fields_of(
        kind.secrets, "secrets"
    )


@router.get(HERE, response_class=HTMLResponse)
def channels_page(request: Request, browser: BrowserDep) -> Response:
    if (no := refused(request, browser, NEEDS)) is not None:
        return no
    with get_db().sessions() as session:
        rows = session.scalars(
            select(Channel).where(Channel.kind.in_(registry.customer_kinds())).order_by(Channel.id)
        ).all()
        teams = {team.id: team.name for team in session.scalars(select(Team))}
        context = {"channels": rows, "teams": teams, "creatable": _creatable()}
        return admin_page(request, browser, "channels", "channels.html", context)


def _form(
    request: Request, browser: Browser, kind: ChannelKind, channel: Channel | None,
    values: dict[str, str], set_secrets: list[str], errors: dict[str, str],
    status_code: int = 200,
) -> Response:  # fmt: skip
    with get_db().sessions() as session:
        teams = session.scalars(select(Team).order_by(Team.name)).all()
    context = {
        "kind": kind.kind, "channel": channel, "fields": _fields(kind), "values": values,
        "set_secrets": set_secrets, "errors": errors, "teams": teams,
    }  # fmt: skip
    return admin_page(request, browser, "channels", "channel.html", context, status_code)


def _common(channel: Channel | None) -> dict[str, str]:
    if channel is None:
        return {"name": "", "team_id": "", "enabled": "on", "business_hours": ""}
    hours = json.dumps(channel.business_hours, indent=1) if channel.business_hours else ""
    return {
        "name": channel.name,
        "team_id": str(channel.team_id or ""),
        "enabled": "on" if channel.enabled else "",
        "business_hours": hours,
    }


@router.get(HERE + "/new", response_class=HTMLResponse)
def new_channel(request: Request, browser: BrowserDep, kind: str = "email") -> Response:
    if (no := refused(request, browser, NEEDS)) is not None:
        return no
    if kind not in _creatable():
        return redirect(HERE, f"{kind!r} channels are not created by hand.")
    return _form(request, browser, registry.kind(kind), None, _common(None), [], {})


@router.get(HERE + "/{channel_id}", response_class=HTMLResponse)
def edit_channel(request: Request, channel_id: int, browser: BrowserDep) -> Response:
    if (no := refused(request, browser, NEEDS)) is not None:
        return no
    with get_db().sessions() as session:
        channel = session.get(Channel, channel_id)
        if channel is None or channel.kind not in registry.customer_kinds():
            return redirect(HERE, f"No channel {channel_id}.")
        kind = registry.kind(channel.kind)
        settings, set_secrets = service.describe(session, channel)
        values = _common(channel) | typed_form.shown(_fields(kind), settings)
        session.expunge(channel)
    return _form(request, browser, kind, channel, values, set_secrets, {})


def _read_common(posted: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": posted.get("name", "").strip(),
        "enabled": bool(posted.get("enabled")),
    }
    if not values["name"]:
        errors["name"] = "a channel needs a name"
    team = posted.get("team_id", "")
    if team and not team.isdigit():
        errors["team_id"] = "pick a team"
    values["team_id"] = int(team) if team.isdigit() else None
    hours = posted.get("business_hours", "").strip()
    values["business_hours"] = None
    if hours:
        try:
            values["business_hours"] = BusinessHours.model_validate_json(hours).model_dump(
                mode="json"
            )
        except ValueError as exc:  # pydantic's ValidationError included
            errors["business_hours"] = str(exc).splitlines()[-1 if "\n" in str(exc) else 0]
    return values


async def _posted(request: Request, browser: Browser) -> dict[str, str]:
    form = await request.form(max_fields=MAX_FORM_FIELDS)
    posted = {key: value for key, value in form.items() if isinstance(value, str)}
    browser.check(posted.get("csrf"))
    return posted


# The form's fields depend on the kind, so it is read whole (async); the work runs in a
# thread like every other page's.
@router.post(HERE)
async def create_channel(request: Request, browser: BrowserDep) -> Response:
    posted = await _posted(request, browser)
    return await run_in_threadpool(_create, request, browser, posted)


@router.post(HERE + "/{channel_id}")
async def update_channel(request: Request, channel_id: int, browser: BrowserDep) -> Response:
    posted = await _posted(request, browser)
    return await run_in_threadpool(_update, request, browser, channel_id, posted)


def _create(request: Request, browser: Browser, posted: dict[str, str]) -> Response:
    if (no := refused(request, browser, NEEDS)) is not None:
        return no
    kind_name = posted.get("kind", "")
    if kind_name not in _creatable():
        return redirect(HERE, f"{kind_name!r} channels are not created by hand.")
    return _save(request, browser, registry.kind(kind_name), None, posted, {}, [])


def _update(
    request: Request, browser: Browser, channel_id: int, posted: dict[str, str]
) -> Response:
    if (no := refused(request, browser, NEEDS)) is not None:
        return no
    with get_db().sessions() as session:
        channel = session.get(Channel, channel_id)
        if channel is None or channel.kind not in registry.customer_kinds():
            return redirect(HERE, f"No channel {channel_id}.")
        kind = registry.kind(channel.kind)
        settings, set_secrets = service.describe(session, channel)
        session.expunge(channel)
    before = typed_form.shown(_fields(kind), settings)
    return _save(request, browser, kind, channel, posted, before, set_secrets)


def _save(
    request: Request, browser: Browser, kind: ChannelKind, channel: Channel | None,
    posted: dict[str, str], before: dict[str, str], set_secrets: list[str],
) -> Response:  # fmt: skip
    errors: dict[str, str] = {}
    values = _read_common(posted, errors)
    settings = typed_form.read(typed_form.fields_of(kind.settings, "settings"), posted, before)
    secrets = typed_form.read(typed_form.fields_of(kind.secrets, "secrets"), posted, before)
    errors |= typed_form.problems(kind.settings, settings, "settings")
    errors |= typed_form.problems(kind.secrets, secrets, "secrets")
    shown = {k: v for k, v in posted.items() if not k.startswith("secrets.") and k != "csrf"}
    if errors:
        return _form(request, browser, kind, channel, shown, set_secrets, errors, 422)
    values |= {"settings": settings, "secrets": secrets}
    actor = actor_of(browser.user)
    with get_db().write_sessions() as session:
        try:
            if channel is None:
                saved = service.do_create_channel(session, kind.kind, values, actor)
            else:
                row = session.get_one(Channel, channel.id)
                saved = service.do_update_channel(session, row, values, actor)
        except ChannelError as exc:
            errors["channel"] = str(exc)
            return _form(request, browser, kind, channel, shown, set_secrets, errors, 422)
        commit(session)
        done = f"Saved channel {saved.name}."
    return redirect(HERE, done)
