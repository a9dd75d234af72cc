"""Automation rules (managers and admins): the list in evaluation order, switching one on or
off, editing one (conditions and actions as YAML, every error named by its field), and a
dry run of the form as it stands against recent tickets: which would match, and what the
rule would do. All through ``automation.rules`` and ``automation.dry_run``."""

from __future__ import annotations

from typing import Annotated, Any

import yaml
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from minidesk.automation.dry_run import Trial, describe_action, dry_run
from minidesk.automation.models import TIME_EVENT, Rule
from minidesk.automation.rules import (
    RuleError,
    check_rule,
    do_create_rule,
    do_delete_rule,
    do_update_rule,
    rule_data,
)
from minidesk.db import commit, get_db
from minidesk.desk import access
from minidesk.desk.access import Permission
from minidesk.desk.models import Status, User
from minidesk.desk.users import actor_of
from minidesk.event_kinds import RULE_EVENTS
from minidesk.web.ui.admin.gate import admin_page
from minidesk.web.ui.render import redirect
from minidesk.web.ui.signed_in import Browser, BrowserDep, refused

router = APIRouter(include_in_schema=False)
NEEDS = Permission.MANAGE_RULES
HERE = "/admin/rules"
YAML_CHARS = 20_000
Text = Annotated[str, Form(max_length=YAML_CHARS)]
Short = Annotated[str, Form(max_length=2000)]


@router.get(HERE, response_class=HTMLResponse)
def rules_page(request: Request, browser: BrowserDep) -> Response:
    if (no := refused(request, browser, NEEDS)) is not None:
        return no
    with get_db().sessions() as session:
        rules = session.scalars(select(Rule).order_by(Rule.position, Rule.id)).all()
        return admin_page(request, browser, "rules", "rules.html", {"rules": rules})


def _as_form(data: dict[str, Any]) -> dict[str, str]:
    def dump(items: Any) -> str:
        return yaml.safe_dump(items, sort_keys=False, allow_unicode=True) if items else ""

    return {
        "name": data.get("name", ""),
        "description": data.get("description", ""),
        "event": data.get("event", "message.received"),
        "after": data.get("after") or "",
        "status": data.get("status") or "",
        "conditions": dump(data.get("conditions")),
        "actions": dump(data.get("actions")),
        "enabled": "on" if data.get("enabled", True) else "",
        "position": str(data.get("position", 0)),
        "allow_automated": "on" if data.get("allow_automated") else "",
    }


def _show(
    request: Request, browser: Browser, rule_id: int | None, form: dict[str, str],
    errors: dict[str, list[str]] | None = None, trials: list[Trial] | None = None,
    actions: list[str] | None = None, status_code: int = 200,
) -> Response:  # fmt: skip
    context = {
        "rule_id": rule_id, "form": form, "errors": errors or {}, "trials": trials,
        "would_do": actions or [], "events": [TIME_EVENT, *sorted(RULE_EVENTS)],
        "statuses": list(Status),
    }  # fmt: skip
    return admin_page(request, browser, "rules", "rule.html", context, status_code)


@router.get(HERE + "/new", response_class=HTMLResponse)
def new_rule(request: Request, browser: BrowserDep) -> Response:
    return refused(request, browser, NEEDS) or _show(request, browser, None, _as_form({}))


@router.get(HERE + "/{rule_id}", response_class=HTMLResponse)
def edit_rule(request: Request, rule_id: int, browser: BrowserDep) -> Response:
    if (no := refused(request, browser, NEEDS)) is not None:
        return no
    with get_db().sessions() as session:
        rule = session.get(Rule, rule_id)
        if rule is None:
            return redirect(HERE, f"No rule {rule_id}.")
        form = _as_form(rule_data(rule))
    return _show(request, browser, rule_id, form)


def _read(form: dict[str, str]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The posted form as a rule's data, and what could not even be read (bad YAML)."""
    errors: dict[str, list[str]] = {}
    data: dict[str, Any] = {
        "name": form["name"].strip(),
        "description": form["description"].strip(),
        "event": form["event"],
        "enabled": bool(form["enabled"]),
        "allow_automated": bool(form["allow_automated"]),
    }
    if form["event"] == TIME_EVENT:
        data |= {"after": form["after"].strip() or None, "status": form["status"] or None}
    try:
        data["position"] = int(form["position"] or 0)
    except ValueError:
        errors["position"] = ["a whole number; lower runs first"]
    for key in ("conditions", "actions"):
        try:
            items = yaml.safe_load(form[key]) if form[key].strip() else []
        except yaml.YAMLError as exc:
            errors[key] = [f"not YAML: {str(exc).splitlines()[0]}"]
            continue
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            errors[key] = ["a YAML list of mappings, each with a type"]
            continue
        data[key] = items
    return data, errors


def _by_field(exc: RuleError) -> dict[str, list[str]]:
    """``conditions[0].any_of: …`` is shown under the conditions box, with its path."""
    found: dict[str, list[str]] = {}
    for error in exc.errors:
        top = error.field.split("[", 1)[0].split(".", 1)[0] or "name"
        found.setdefault(top, []).append(f"{error.field}: {error.message}")
    return found


def _posted(
    name: str, description: str, event: str, after: str, status: str, conditions: str,
    actions: str, enabled: str, position: str, allow_automated: str,
) -> dict[str, str]:  # fmt: skip
    return {
        "name": name, "description": description, "event": event, "after": after,
        "status": status, "conditions": conditions, "actions": actions, "enabled": enabled,
        "position": position, "allow_automated": allow_automated,
    }  # fmt: skip


@router.post(HERE + "/save")
def save_rule(
    request: Request,
    browser: BrowserDep,
    rule_id: Annotated[str, Form(max_length=20)] = "",
    name: Short = "",
    description: Short = "",
    event: Short = "",
    after: Short = "",
    status: Short = "",
    conditions: Text = "",
    actions: Text = "",
    enabled: Short = "",
    position: Short = "0",
    allow_automated: Short = "",
    dry: Short = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Save the rule (``rule_id`` empty: a new one), or, with ``dry``, only try it."""
    browser.check(csrf)
    if (no := refused(request, browser, NEEDS)) is not None:
        return no
    form = _posted(name, description, event, after, status, conditions, actions, enabled,
                   position, allow_automated)  # fmt: skip
    number = int(rule_id) if rule_id.isdigit() else None
    data, errors = _read(form)
    if errors:
        return _show(request, browser, number, form, errors, status_code=422)
    if dry:
        return _try(request, browser, number, form, data)
    with get_db().write_sessions() as session:
        author = session.get_one(User, browser.user.id)
        actor = actor_of(author)
        try:
            if number is None:
                rule = do_create_rule(session, data, actor, author)
            else:
                found = session.get(Rule, number)
                if found is None:
                    return redirect(HERE, f"No rule {number}.")
                rule = do_update_rule(session, found, data, actor, author)
        except RuleError as exc:
            return _show(request, browser, number, form, _by_field(exc), status_code=422)
        except access.Forbidden as exc:
            return _show(request, browser, number, form, {"actions": [exc.detail]}, status_code=403)
        commit(session)
        done = f"Saved rule {rule.name}."
    return redirect(HERE, done)


def _try(
    request: Request, browser: Browser, number: int | None, form: dict[str, str],
    data: dict[str, Any],
) -> Response:  # fmt: skip
    with get_db().sessions() as session:
        try:
            spec = check_rule(session, data)
        except RuleError as exc:
            return _show(request, browser, number, form, _by_field(exc), status_code=422)
        trials = dry_run(session, spec)
        would_do = [describe_action(action) for action in spec.actions]
        return _show(request, browser, number, form, trials=trials, actions=would_do)


@router.post(HERE + "/{rule_id}/{action}")
def switch_rule(
    request: Request,
    rule_id: int,
    action: str,
    browser: BrowserDep,
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """``action``: ``enable``, ``disable`` or ``delete``."""
    browser.check(csrf)
    if (no := refused(request, browser, NEEDS)) is not None:
        return no
    if action not in ("enable", "disable", "delete"):
        return redirect(HERE, f"Unknown action {action!r}.")
    with get_db().write_sessions() as session:
        rule = session.get(Rule, rule_id)
        if rule is None:
            return redirect(HERE, f"No rule {rule_id}.")
        name = rule.name
        actor = actor_of(browser.user)
        if action == "delete":
            do_delete_rule(session, rule, actor)
        else:
            try:
                do_update_rule(session, rule, {"enabled": action == "enable"}, actor)
            except RuleError as exc:  # a rule stored before today's checks
                return redirect(HERE, f"Not changed: {exc}")
        commit(session)
    return redirect(HERE, f"Rule {name}: {action}d.")
