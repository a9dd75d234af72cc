"""The signed-in user's own account: two-factor sign-in (set up, confirm, turn off)."""

from __future__ import annotations

from typing import Annotated

import segno
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from minidesk.db import commit, get_db
from minidesk.desk import two_factor
from minidesk.desk.models import User
from minidesk.desk.users import actor_of
from minidesk.desk.workspace import get_workspace
from minidesk.web.ui.render import page, redirect
from minidesk.web.ui.signed_in import BrowserDep

router = APIRouter(include_in_schema=False)


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, browser: BrowserDep) -> Response:
    with get_db().sessions() as session:
        user = session.get_one(User, browser.user.id)
        secret = two_factor.pending_secret(user)
        context = {"browser": browser, "user": user, "secret": secret, "active": "account"}
        if secret is not None:
            uri = two_factor.provisioning_uri(user, secret, get_workspace(session).name)
            # The QR code is drawn here, as an inline SVG: the secret never leaves the desk.
            context["qr"] = segno.make(uri, error="m").svg_data_uri(scale=5, border=2)
        return page(request, "account.html", context)


@router.post("/account/two-factor/{step}")
def two_factor_step(
    browser: BrowserDep,
    step: str,
    csrf: Annotated[str, Form(max_length=100)] = "",
    code: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """``begin`` (a new secret to scan), ``enable`` (confirm it with a code) or ``disable``
    (with a current code)."""
    browser.check(csrf)
    with get_db().write_sessions() as session:
        user = session.get_one(User, browser.user.id)
        actor = actor_of(user)
        try:
            match step:
                case "begin":
                    two_factor.do_begin(session, user)
                    done = "Scan the code with your authenticator app, then enter a code."
                case "enable":
                    two_factor.do_enable(session, user, code, actor)
                    done = "Two-factor sign-in is on."
                case "disable":
                    two_factor.do_disable(session, user, code, actor)
                    done = "Two-factor sign-in is off."
                case _:
                    return redirect("/account", f"Unknown step {step!r}.")
        except two_factor.TwoFactorError as exc:
            return redirect("/account", f"Not changed: {exc}.")
        commit(session)
    return redirect("/account", done)
