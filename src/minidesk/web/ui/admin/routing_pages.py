"""Routing (leads for their teams' agents, managers and admins for all): each agent's skills,
capacity per channel kind and presence, and each team's routing mode; saved through the same
``routing.profiles`` services (and permission checks) as the API."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from minidesk.db import commit, get_db, utcnow
from minidesk.desk import access
from minidesk.desk.access import Permission
from minidesk.desk.models import Team, User
from minidesk.desk.users import actor_of
from minidesk.routing import profiles
from minidesk.routing.models import Presence, Strategy
from minidesk.web.ui.admin.gate import admin_page
from minidesk.web.ui.forms import tags
from minidesk.web.ui.render import redirect
from minidesk.web.ui.signed_in import BrowserDep, refused

router = APIRouter(include_in_schema=False)
NEEDS = Permission.MANAGE_ROUTING
HERE = "/admin/routing"
KINDS = tuple(profiles.DEFAULT_CAPACITY)


def _agents(session: Any, user: User) -> list[dict[str, Any]]:
    people = session.scalars(
        select(User).where(User.active.is_(True)).order_by(User.name, User.email)
    ).all()
    mine = [agent for agent in people if access.manages_agent(session, user, agent)]
    load = profiles.open_load(session, [agent.id for agent in mine])
    now, rows = utcnow(), []
    for agent in mine:
        profile = profiles.profile_of(session, agent.id)
        rows.append(
            {
                "id": agent.id,
                "name": agent.name or agent.email,
                "languages": " ".join(profile.languages),
                "product_lines": " ".join(profile.product_lines),
                "channels": " ".join(profile.channels),
                "capacity": {kind: profiles.capacity_for(profile, kind) for kind in KINDS},
                "load": {kind: load.get((agent.id, kind), 0) for kind in KINDS},
                "presence": str(profiles.effective_presence(profile, now)),
            }
        )
    return rows


def _teams(session: Any, user: User) -> list[dict[str, Any]]:
    rows = []
    for team in session.scalars(select(Team).order_by(Team.name)):
        if not access.manages_team(session, user, team.id):
            continue
        config = profiles.config_for(session, team.id)
        rows.append(
            {
                "id": team.id,
                "name": team.name,
                "enabled": config.enabled,
                "strategy": str(config.strategy),
                "accept_minutes": config.accept_minutes,
                "inherited": config.team_id != team.id,
            }
        )
    return rows


@router.get(HERE, response_class=HTMLResponse)
def routing_page(request: Request, browser: BrowserDep) -> Response:
    if (no := refused(request, browser, NEEDS)) is not None:
        return no
    with get_db().sessions() as session:
        user = session.merge(browser.user, load=False)
        context = {
            "agents": _agents(session, user),
            "teams": _teams(session, user),
            "kinds": KINDS,
            "presences": [p.value for p in Presence],
            "strategies": [s.value for s in Strategy],
        }
    return admin_page(request, browser, "routing", "routing.html", context)


@router.post(HERE + "/agents/{user_id}")
async def save_agent(request: Request, user_id: int, browser: BrowserDep) -> Response:
    """Languages, product lines and channels (space-separated), capacity per channel kind
    (``capacity_<kind>``) and presence, from one agent's row of the page."""
    form = await request.form()
    browser.check(str(form.get("csrf", ""))[:100])
    if (no := refused(request, browser, NEEDS)) is not None:
        return no
    with get_db().write_sessions() as session:
        user = session.merge(browser.user, load=False)
        agent = session.get(User, user_id)
        if agent is None or not access.manages_agent(session, user, agent):
            return redirect(HERE, "Not saved: you do not manage that agent's routing.")
        capacity: dict[str, int] = {}
        for kind in KINDS:
            raw = str(form.get(f"capacity_{kind}", "")).strip()
            if not raw.isdigit() or int(raw) > profiles.MAX_CAPACITY:
                return redirect(HERE, f"Not saved: {kind} capacity must be a whole number 0-100.")
            capacity[kind] = int(raw)
        skills = {
            name: tags(str(form.get(name, ""))[:500])
            for name in ("languages", "product_lines", "channels")
        }
        presence = str(form.get("presence", ""))
        if presence not in {p.value for p in Presence}:
            return redirect(HERE, "Not saved: presence is online, away or offline.")
        try:
            actor = actor_of(user)
            profiles.do_set_skills(session, agent.id, {**skills, "capacity": capacity}, actor)
            profiles.do_set_presence(session, agent.id, Presence(presence), actor)
        except profiles.RoutingError as exc:
            return redirect(HERE, f"Not saved: {exc}.")
        commit(session)
        name = agent.name or agent.email
    return redirect(HERE, f"Routing saved for {name}.")


@router.post(HERE + "/teams/{team_id}")
def save_team(
    request: Request,
    team_id: int,
    browser: BrowserDep,
    csrf: Annotated[str, Form(max_length=100)] = "",
    enabled: Annotated[str, Form(max_length=5)] = "",
    strategy: Annotated[str, Form(max_length=20)] = "",
    accept_minutes: Annotated[str, Form(max_length=6)] = "",
) -> Response:
    browser.check(csrf)
    if (no := refused(request, browser, NEEDS)) is not None:
        return no
    with get_db().write_sessions() as session:
        user = session.merge(browser.user, load=False)
        team = session.get(Team, team_id)
        if team is None or not access.manages_team(session, user, team_id):
            return redirect(HERE, "Not saved: you do not manage that team's routing.")
        if not accept_minutes.strip().isdigit():
            return redirect(HERE, "Not saved: accept within a whole number of minutes.")
        values = {
            "enabled": bool(enabled),
            "strategy": strategy,
            "accept_minutes": int(accept_minutes),
        }
        try:
            profiles.do_set_config(session, team_id, values, actor_of(user))
        except profiles.RoutingError as exc:
            return redirect(HERE, f"Not saved: {exc}.")
        commit(session)
        name = team.name
    return redirect(HERE, f"Routing saved for {name}.")
