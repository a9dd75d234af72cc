"""Intents (managers read, admins switch): the model versions with their scores and which is
live, activating one (an older one is a rollback; version 0 is the shipped model), the
retrain's state, and the agents' latest corrections that feed it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from minidesk.db import commit, get_db
from minidesk.desk.access import Permission, has
from minidesk.desk.users import actor_of
from minidesk.settings import get_settings
from minidesk.triage.corrections import new_examples
from minidesk.triage.sync import watcher
from minidesk.triage.tables import RETRAIN_ROW, ExampleSource, IntentExample, IntentRetrain
from minidesk.triage.versions import (
    DEFAULT_VERSION,
    VersionError,
    active_version,
    default_name,
    do_activate_version,
    list_versions,
)
from minidesk.web.ui.admin.gate import admin_page
from minidesk.web.ui.render import redirect
from minidesk.web.ui.signed_in import BrowserDep, refused

router = APIRouter(include_in_schema=False)
HERE = "/admin/intents"
CORRECTIONS_SHOWN = 50
TEXT_SHOWN = 200


def _scores(metrics: dict[str, Any]) -> str:
    """The headline numbers of a version's evaluation (nested details stay in the API)."""
    return ", ".join(
        f"{name.replace('_', ' ')} {value:.3f}" if isinstance(value, float) else f"{name} {value}"
        for name, value in metrics.items()
        if isinstance(value, int | float) and not isinstance(value, bool)
    )


@router.get(HERE, response_class=HTMLResponse)
def intents_page(request: Request, browser: BrowserDep) -> Response:
    if (no := refused(request, browser, Permission.SEE_INTENT_MODELS)) is not None:
        return no
    with get_db().sessions() as session:
        live = active_version(session)
        versions: list[dict[str, Any]] = [
            {"version": row.version, "name": row.name, "scores": _scores(row.metrics),
             "created_at": row.created_at, "activated_at": row.activated_at,
             "active": row.version == live}
            for row in list_versions(session)
        ]  # fmt: skip
        versions.append(
            {"version": DEFAULT_VERSION, "name": f"{default_name()} (shipped)", "scores": "",
             "created_at": None, "activated_at": None, "active": live == DEFAULT_VERSION}
        )  # fmt: skip
        for version in versions:
            older = version["version"] < live or version["version"] == DEFAULT_VERSION
            version["verb"] = "Roll back to" if older else "Activate"
        corrections = session.scalars(
            select(IntentExample)
            .where(IntentExample.source == ExampleSource.AGENT)
            .order_by(IntentExample.updated_at.desc(), IntentExample.id.desc())
            .limit(CORRECTIONS_SHOWN)
        ).all()
        context = {
            "versions": versions,
            "corrections": corrections,
            "text_shown": TEXT_SHOWN,
            "retrain": session.get(IntentRetrain, RETRAIN_ROW),
            "new_examples": new_examples(session),
            "needed": get_settings().intent_retrain_min_examples,
            "may_activate": has(browser.user, Permission.ACTIVATE_INTENT_MODELS),
        }
        return admin_page(request, browser, "intents", "intents.html", context)


@router.post(HERE + "/{version}/activate")
def activate(
    request: Request,
    version: int,
    browser: BrowserDep,
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    browser.check(csrf)
    if (no := refused(request, browser, Permission.ACTIVATE_INTENT_MODELS)) is not None:
        return no
    with get_db().write_sessions() as session:
        try:
            do_activate_version(
                session, version, actor_of(browser.user), reason="activated by an admin"
            )
        except VersionError as exc:
            return redirect(HERE, f"Not activated: {exc}")
        commit(session)
    watcher.refresh()  # this process at once; the others at their next check
    return redirect(HERE, f"Version {version} is live; every process follows within a minute.")
