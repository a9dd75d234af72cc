"""Certification gates as a form (``/qa/gates``, docs/qa.md): everyone signed in reads them,
managers define and change them through the same checks as ``PUT /api/v1/qa/gates/{skill}``.
A new gate's name is chosen from those routing acts on (``gate_names.choices``); a stored
gate that routing ignores is shown with why, read-only (docs/routing.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from minidesk.db import commit, get_db
from minidesk.desk import access
from minidesk.desk.access import Permission
from minidesk.desk.models import User
from minidesk.desk.users import actor_of
from minidesk.insights.gate_names import (
    ESCALATIONS,
    GateNameError,
    check_gate_name,
    choices,
    listed,
)
from minidesk.insights.gates import GateSpec, do_set_gate
from minidesk.insights.qa_models import QaGate
from minidesk.routing import skills
from minidesk.web.ui.render import page, redirect
from minidesk.web.ui.signed_in import BrowserDep, permitted

router = APIRouter(include_in_schema=False)
URL = "/qa/gates"
LABELS = {
    "min_qa_percent": "Minimum QA score (%)",
    "min_csat_average": "Minimum CSAT average (1-5)",
    "window_days": "Over the last (days)",
    "min_reviews": "At least this many scored QA reviews",
    "min_answers": "At least this many CSAT answers",
}
Number = Annotated[str, Form(max_length=20)]
# Offered filled in with the example until saved, so defining it is one click.
OFFERED = {
    "skill": ESCALATIONS,
    "min_qa_percent": 85,
    "min_csat_average": 4.2,
    "window_days": 90,
    "min_reviews": 3,
    "min_answers": 5,
    "new": True,
}


@router.get(URL, response_class=HTMLResponse)
def gates_page(request: Request, browser: BrowserDep) -> Response:
    with get_db().sessions() as session:
        user = session.get_one(User, browser.user.id)
        known = skills.known(session)
        gates = listed(session, session.scalars(select(QaGate).order_by(QaGate.skill)), known)
        if not any(g["skill"] == ESCALATIONS for g in gates):
            gates.append(OFFERED)
        # The names not on the page yet: a shown gate is changed in its own form.
        names = [n for n in choices(known) if n not in {g["skill"] for g in gates}]
        context = {"browser": browser, "active": "qa", "gates": gates, "labels": LABELS,
                   "names": names,
                   "editable": access.has(user, Permission.MANAGE_QA)}  # fmt: skip
        return page(request, "qa_gates.html", context)


@router.post(URL)
def save_gate(
    request: Request,
    browser: BrowserDep,
    skill: Annotated[str, Form(max_length=64)],
    min_qa_percent: Number,
    min_csat_average: Number,
    window_days: Number,
    min_reviews: Number,
    min_answers: Number,
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    browser.check(csrf)
    posted = {"min_qa_percent": min_qa_percent, "min_csat_average": min_csat_average,
              "window_days": window_days, "min_reviews": min_reviews,
              "min_answers": min_answers}  # fmt: skip
    with get_db().write_sessions() as session:
        user = permitted(session, request, browser, Permission.MANAGE_QA)
        if isinstance(user, Response):
            return user
        name = skill.strip()
        try:
            check_gate_name(session, name)
        except GateNameError as exc:
            return redirect(URL, f"Gate not saved: skill: {exc}")
        try:
            spec = GateSpec.model_validate({k: v.strip() for k, v in posted.items()})
        except ValidationError as exc:
            return redirect(URL, f"Gate not saved: {'; '.join(_said(exc))}")
        do_set_gate(session, name, spec, actor_of(user))
        commit(session)
    return redirect(URL, f"Gate {name} saved.")


def _said(exc: ValidationError) -> list[str]:
    said = []
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else ""
        said.append(f"{LABELS.get(name, name)}: {error['msg']}")
    return said
