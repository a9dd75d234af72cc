"""The ticket page's composer helpers: a template previewed with this ticket's customer and
the order it is about (rendered by the server, exactly as a send would be), the SMS length of
a draft, and the one-click intent correction that feeds retraining."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from minidesk.channels.whatsapp.window import approved_templates, reply_window
from minidesk.commerce.connector import OrderRecord
from minidesk.commerce.money import format_money
from minidesk.commerce.tracking import tracking_url
from minidesk.db import commit, get_db
from minidesk.desk.changes import TicketChanges, do_change_ticket
from minidesk.desk.messages import reply_channel
from minidesk.desk.models import Ticket, User
from minidesk.desk.tickets import TicketChangeError
from minidesk.desk.users import actor_of
from minidesk.replies import RenderError, UnknownTemplate, render_for_ticket
from minidesk.replies.sms import measure
from minidesk.replies.store import get_spec, list_templates
from minidesk.settings import get_settings
from minidesk.triage.registry import active_model
from minidesk.triage.result import UNKNOWN_INTENT
from minidesk.web.ui import uploads
from minidesk.web.ui.order_panel import OrderView, order_panel
from minidesk.web.ui.render import HEADERS, redirect
from minidesk.web.ui.signed_in import BrowserDep
from minidesk.web.ui.ticket_access import ticket_not_found, visible_ticket

router = APIRouter(include_in_schema=False)
SMS_CHANNELS = frozenset({"sms"})
# Tokens every ticket fills by itself (``replies.send.context_for``).
AUTOMATIC = frozenset(
    {"customer_name", "customer_full_name", "ticket_number", "agent_name", "shop_name"}
)


def intent_choices(current: str | None = None) -> list[str]:
    """The labels of the model triage runs now (a custom one trained with ``minidesk intents
    train`` brings its own), out-of-scope, and the ticket's own if it is none of those (a
    label the API set, or that an older model gave), so the picker never shows another."""
    known = {*active_model().intents, UNKNOWN_INTENT}
    return sorted(known | {current} if current else known)


def composer_context(session: Session, ticket: Ticket) -> dict[str, Any]:
    templates = [t for t in list_templates(session) if t.enabled]
    return {
        "attach_types": ",".join(sorted(uploads.ALLOWED_TYPES)),
        "attach_max_files": uploads.MAX_FILES,
        "attach_max_bytes": get_settings().email_max_attachment_bytes,
        "attach_to_customer": ticket.channel in uploads.CARRIES_FILES,
        "templates": sorted(templates, key=lambda t: t.spec.name.lower()),
        "intents": intent_choices(ticket.intent),
        "sms": ticket.channel in SMS_CHANNELS,
        # WhatsApp: free text only inside the 24-hour window; else the approved templates.
        "window": (window := reply_window(session, ticket)),
        "channel_templates": approved_templates(session, reply_channel(session, ticket)[1] or 0)
        if not window.open
        else [],
    }


def order_values(order: OrderRecord | None) -> dict[str, str]:
    """What a template's order tokens read from the ticket's newest order."""
    if order is None:
        return {}
    values = {"order_number": order.number}
    if (shipment := order.latest_shipment) is not None:
        values |= {
            "carrier": shipment.carrier,
            "tracking_number": shipment.tracking_number,
            "tracking_url": tracking_url(shipment.carrier, shipment.tracking_number),
        }
        if shipment.eta:
            values["eta"] = shipment.eta.strftime("%a %-d %B")
    if order.delivered_at is not None:
        values["delivered_on"] = order.delivered_at.strftime("%a %-d %B")
    if (payment := order.payment) is not None:
        values |= {
            "card_brand": payment.method,
            "last4": payment.last4,
            "balance": format_money(payment.refundable),
        }
    address = order.shipping_address or {}
    line = ", ".join(str(address[k]) for k in ("line1", "city", "postcode") if address.get(k))
    if line:
        values["address"] = line
    return values


def preview(
    session: Session, ticket: Ticket, author: User, key: str, order: OrderView | None
) -> dict[str, Any]:
    """The template as it would go out on this ticket; tokens the ticket cannot fill appear
    as ``[token]`` and are listed, for the agent to replace before sending."""
    spec = get_spec(session, key)
    if spec is None:
        return {"error": f"no enabled template {key!r}"}
    values = order_values(order.order if order else None)
    missing = [t for t in spec.tokens if t not in values and t not in AUTOMATIC]
    variables = values | {t: f"[{t}]" for t in missing}
    try:
        rendered = render_for_ticket(
            session, ticket, key, variables=variables, author=author, language=None
        )
    except (RenderError, UnknownTemplate) as exc:
        return {"error": str(exc)}
    result: dict[str, Any] = {"key": key, "text": rendered.text, "missing": missing}
    if ticket.channel in SMS_CHANNELS:
        result["sms"] = measure(rendered.text).describe()
    return result


@router.get("/tickets/{number}/composer/preview")
def preview_template(
    request: Request, number: int, browser: BrowserDep, template: str = ""
) -> Response:
    with get_db().sessions() as session:
        ticket = visible_ticket(session, browser, number)
        if ticket is None:
            return ticket_not_found(request, browser, number)
        author = session.merge(browser.user, load=False)
        order = order_panel(session, ticket)["about_order"] if template else None
        body = preview(session, ticket, author, template[:64], order)
    return JSONResponse(body, status_code=422 if "error" in body else 200, headers=HEADERS)


@router.post("/tickets/{number}/composer/length")
def sms_length(
    request: Request,
    number: int,
    browser: BrowserDep,
    csrf: Annotated[str, Form(max_length=100)] = "",
    text: Annotated[str, Form(max_length=100_000)] = "",
) -> Response:
    """How many SMS segments the draft costs (GSM-7 or UCS-2: one emoji halves a segment)."""
    browser.check(csrf)
    with get_db().sessions() as session:
        if visible_ticket(session, browser, number) is None:
            return ticket_not_found(request, browser, number)
    length = measure(text)
    body = {
        "encoding": str(length.encoding),
        "units": length.units,
        "segments": length.segments,
        "describe": length.describe(),
    }
    return JSONResponse(body, headers=HEADERS)


@router.post("/tickets/{number}/intent")
def correct_intent(
    request: Request,
    number: int,
    browser: BrowserDep,
    csrf: Annotated[str, Form(max_length=100)] = "",
    intent: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """The right intent in one click: stored as a correction that retraining learns from."""
    browser.check(csrf)
    if intent not in intent_choices():
        return redirect(f"/tickets/{number}", f"Not changed: unknown intent {intent!r}.")
    with get_db().write_sessions() as session:
        ticket = visible_ticket(session, browser, number)
        if ticket is None:
            return ticket_not_found(request, browser, number)
        try:
            do_change_ticket(session, ticket, TicketChanges(intent=intent), actor_of(browser.user))
        except TicketChangeError as exc:
            return redirect(f"/tickets/{number}", f"Not changed: {exc}")
        commit(session)
    return redirect(f"/tickets/{number}", f"Intent corrected to {intent}; triage learns from it.")
