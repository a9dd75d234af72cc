"""The policy pack as a form (admins): money in the pack's currency, day counts, holidays,
what each role may refund. Each field is read and refused on its own; then the whole pack is
checked and saved by ``policies.pack`` as the API's PATCH is, its refusal shown on the field
it names."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from minidesk.commerce.money import ZERO_DECIMAL
from minidesk.db import commit, get_db
from minidesk.desk.access import Permission
from minidesk.desk.models import Role
from minidesk.desk.users import actor_of
from minidesk.policies.pack import PolicyError, PolicyPack, do_update_pack, get_pack
from minidesk.web.ui.admin.gate import admin_page
from minidesk.web.ui.render import redirect
from minidesk.web.ui.signed_in import Browser, BrowserDep, refused

router = APIRouter(include_in_schema=False)
NEEDS = Permission.MANAGE_POLICIES
HERE = "/admin/policies"
MONEY = ("auto_refund_max_minor", "agent_refund_max_minor", "auto_refund_order_total_max_minor",
         "auto_refund_customer_total_max_minor")  # fmt: skip
DAYS = ("auto_refund_customer_window_days", "reship_after_business_days", "return_window_days",
        "max_bot_turns")  # fmt: skip
ROLE_MONEY = ("cap_minor", "daily_budget_minor")
LABELS = {
    "currency": "Currency (ISO code)",
    "auto_refund_max_minor": "The bot may offer refunds up to",
    "agent_refund_max_minor": "Agents may refund up to (above: a manager approves)",
    "auto_refund_order_total_max_minor": "The bot gives back at most, per order",
    "auto_refund_customer_total_max_minor": "Per customer in the window, at most",
    "auto_refund_customer_window_days": "That window, in days",
    "confirm_token": "Words a customer sends to confirm a refund",
    "reship_after_business_days": "Reship a lost parcel after (business days)",
    "return_window_days": "Returns accepted within (days)",
    "holidays": "Holidays (dates such as 2026-12-25, separated by spaces)",
    "max_bot_turns": "The bot hands over after this many customer turns",
    "min_action_confidence": "Confidence needed for an irreversible action (0 to 1)",
    "approver_role": "Who approves refunds over the agents' limit",
}


def _decimals(currency: str) -> int:
    return 0 if currency.upper() in ZERO_DECIMAL else 2


def _major(minor: int, currency: str) -> str:
    places = _decimals(currency)
    return str(Decimal(minor).scaleb(-places).quantize(Decimal(1).scaleb(-places)))


def _as_form(pack: PolicyPack) -> dict[str, str]:
    data = pack.to_data()
    form = {name: str(data[name]) for name in LABELS if name not in MONEY and name != "holidays"}
    form |= {name: _major(data[name], pack.currency) for name in MONEY}
    form["holidays"] = " ".join(data["holidays"])
    for role, policy in data["roles"].items():
        form[f"roles.{role}.may_refund"] = "on" if policy["may_refund"] else ""
        for part in ROLE_MONEY:
            form[f"roles.{role}.{part}"] = _major(policy[part], pack.currency)
    return form


def _minor(text: str, currency: str) -> int:
    amount = Decimal(text.strip().replace(",", ""))
    minor = amount.scaleb(_decimals(currency))
    if minor != minor.to_integral_value() or minor < 0:
        raise ValueError
    return int(minor)


def _read(form: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The form as pack data, and each field that could not be read, by name."""
    errors: dict[str, str] = {}
    currency = form.get("currency", "").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        errors["currency"] = "a three-letter ISO code such as USD or EUR"
        currency = "USD"
    values: dict[str, Any] = {"currency": currency, "confirm_token": form.get("confirm_token", "")}
    cents = "cents" if _decimals(currency) else "no decimals"
    for name in MONEY:
        try:
            values[name] = _minor(form.get(name, ""), currency)
        except (ValueError, InvalidOperation):
            errors[name] = f"an amount in {currency} ({cents}), 0 or more"
    for name in DAYS:
        raw = form.get(name, "").strip()
        if raw.isdigit():
            values[name] = int(raw)
        else:
            errors[name] = "a whole number, 0 or more"
    try:
        values["min_action_confidence"] = float(form.get("min_action_confidence", ""))
    except ValueError:
        errors["min_action_confidence"] = "a number between 0 and 1, such as 0.5"
    try:
        days = form.get("holidays", "").replace(",", " ").split()
        values["holidays"] = sorted({dt.date.fromisoformat(day).isoformat() for day in days})
    except ValueError:
        errors["holidays"] = "dates as YYYY-MM-DD, separated by spaces"
    if form.get("approver_role") not in list(Role):
        errors["approver_role"] = f"one of {', '.join(Role)}"
    values["approver_role"] = form.get("approver_role")
    values["roles"] = {}
    for role in Role:
        policy: dict[str, Any] = {"may_refund": bool(form.get(f"roles.{role}.may_refund"))}
        for part in ROLE_MONEY:
            name = f"roles.{role}.{part}"
            try:
                policy[part] = _minor(form.get(name, "0") or "0", currency)
            except (ValueError, InvalidOperation):
                errors[name] = f"an amount in {currency}, 0 or more"
        values["roles"][str(role)] = policy
    return values, errors


def _show(
    request: Request, browser: Browser, form: dict[str, str], errors: dict[str, str],
    status_code: int = 200,
) -> Response:  # fmt: skip
    context = {"form": form, "errors": errors, "labels": LABELS, "money": MONEY,
               "roles": list(Role), "role_money": ROLE_MONEY}  # fmt: skip
    return admin_page(request, browser, "policies", "policies.html", context, status_code)


@router.get(HERE, response_class=HTMLResponse)
def policies_page(request: Request, browser: BrowserDep) -> Response:
    if (no := refused(request, browser, NEEDS)) is not None:
        return no
    with get_db().sessions() as session:
        form = _as_form(get_pack(session))
    return _show(request, browser, form, {})


@router.post(HERE)
async def save_policies(request: Request, browser: BrowserDep) -> Response:
    posted = await request.form(max_fields=100)
    form = {key: value for key, value in posted.items() if isinstance(value, str)}
    browser.check(form.pop("csrf", None))
    return await run_in_threadpool(_save, request, browser, form)


def _save(request: Request, browser: Browser, form: dict[str, str]) -> Response:
    if (no := refused(request, browser, NEEDS)) is not None:
        return no
    values, errors = _read(form)
    if errors:
        return _show(request, browser, form, errors, 422)
    with get_db().write_sessions() as session:
        try:
            do_update_pack(session, values, actor_of(browser.user))
        except (PolicyError, ValueError, TypeError) as exc:
            # The pack's own checks name the field they refuse (the first one named wins).
            named = [name for name in LABELS if name in str(exc)]
            return _show(request, browser, form, {named[0] if named else "pack": str(exc)}, 422)
        commit(session)
    return redirect(HERE, "Policies saved.")
