"""Users, roles and teams (admins): create a user, change a role, deactivate, team
membership, new teams. Every change goes through ``desk.users`` as the API's does."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from minidesk.db import commit, get_db
from minidesk.desk import users
from minidesk.desk.access import Permission
from minidesk.desk.models import Role, Team, User
from minidesk.web.ui.admin.gate import admin_page
from minidesk.web.ui.render import redirect
from minidesk.web.ui.signed_in import BrowserDep, refused

router = APIRouter(include_in_schema=False)
NEEDS = Permission.MANAGE_USERS
HERE = "/admin/users"
ACTIONS = ("role", "deactivate", "add_team", "remove_team")


def _show(
    request: Request, browser: BrowserDep, errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None, status_code: int = 200, created: str = "",
) -> Response:  # fmt: skip
    with get_db().sessions() as session:
        people = session.scalars(
            select(User).options(selectinload(User.teams)).order_by(User.id)
        ).all()
        teams = session.scalars(select(Team).order_by(Team.name)).all()
        return admin_page(
            request, browser, "users", "users.html",
            {"people": people, "teams": teams, "roles": list(Role), "errors": errors or {},
             "form": form or {}, "created": created},
            status_code,
        )  # fmt: skip


@router.get(HERE, response_class=HTMLResponse)
def users_page(request: Request, browser: BrowserDep) -> Response:
    return refused(request, browser, NEEDS) or _show(request, browser)


@router.post(HERE)
def create_user(
    request: Request,
    browser: BrowserDep,
    email: Annotated[str, Form(max_length=320)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    role: Annotated[str, Form(max_length=16)] = "agent",
    password: Annotated[str, Form(max_length=200)] = "",
    team_ids: Annotated[list[str] | None, Form()] = None,
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    browser.check(csrf)
    if (no := refused(request, browser, NEEDS)) is not None:
        return no
    form = {"email": email, "name": name, "role": role}
    if role not in list(Role):
        return _show(request, browser, {"role": f"pick one of {', '.join(Role)}"}, form, 422)
    # No password given: one is made and shown on this answer only, for the admin to hand
    # over (the page is not cached, and it is never put in a URL or a cookie).
    made = "" if password else secrets.token_urlsafe(12)
    with get_db().write_sessions() as session:
        actor = users.actor_of(browser.user)
        try:
            user = users.do_create_user(
                session, email, Role(role), actor, name=name.strip(), password=password or made
            )
        except users.UserError as exc:
            field = "password" if "password" in str(exc) else "email"
            return _show(request, browser, {field: str(exc)}, form, 422)
        for team_id in team_ids or []:
            team = session.get(Team, int(team_id)) if team_id.isdigit() else None
            if team is None:
                return _show(request, browser, {"teams": f"no team {team_id}"}, form, 422)
            users.do_add_to_team(session, user, team, actor)
        commit(session)
        done = f"Created {user.email} ({user.role})."
    if made:
        return _show(request, browser, created=f"{done} Their password: {made}")
    return redirect(HERE, done)


@router.post(HERE + "/{user_id}")
def change_user(
    request: Request,
    user_id: int,
    browser: BrowserDep,
    action: Annotated[str, Form(max_length=16)] = "",
    role: Annotated[str, Form(max_length=16)] = "",
    team_id: Annotated[str, Form(max_length=20)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """``action``: ``role`` (to ``role``), ``deactivate``, ``add_team`` or ``remove_team``."""
    browser.check(csrf)
    if (no := refused(request, browser, NEEDS)) is not None:
        return no
    if action not in ACTIONS:
        return redirect(HERE, f"Unknown action {action!r}.")
    with get_db().write_sessions() as session:
        user = session.get(User, user_id)
        if user is None:
            return redirect(HERE, f"No user {user_id}.")
        admin = session.get_one(User, browser.user.id)
        actor = users.actor_of(admin)
        try:
            if action == "role":
                if role not in list(Role):
                    return redirect(HERE, f"Not changed: {role!r} is not a role.")
                users.check_own_change(admin, user, Role(role), deactivate=False)
                users.do_set_role(session, user, Role(role), actor)
            elif action == "deactivate":
                users.check_own_change(admin, user, None, deactivate=True)
                users.do_deactivate(session, user, actor)
            else:
                team = session.get(Team, int(team_id)) if team_id.isdigit() else None
                if team is None:
                    return redirect(HERE, "Not changed: pick a team.")
                change = users.do_add_to_team if action == "add_team" else users.do_remove_from_team
                change(session, user, team, actor)
        except users.UserError as exc:
            return redirect(HERE, f"Not changed: {exc}")
        commit(session)
        done = f"Updated {user.email}."
    return redirect(HERE, done)


@router.post("/admin/teams")
def create_team(
    request: Request,
    browser: BrowserDep,
    name: Annotated[str, Form(max_length=200)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    browser.check(csrf)
    if (no := refused(request, browser, NEEDS)) is not None:
        return no
    if not name.strip():
        return _show(request, browser, {"team": "a team needs a name"}, {}, 422)
    with get_db().write_sessions() as session:
        team = users.get_or_create_team(session, name.strip(), users.actor_of(browser.user))
        commit(session)
        done = f"Team {team.name} is ready."
    return redirect(HERE, done)
