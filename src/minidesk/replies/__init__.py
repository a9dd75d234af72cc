"""Message templates and macros: declared tokens, per-channel bodies, A/B variants and
exactly one call to action, rendered in a sandbox.

Other features call ``render()`` (text for any purpose) or ``do_send_template()`` (render and
reply on a ticket, recording template and variant on the message).
"""

from __future__ import annotations

from minidesk.commerce.money import format_minor
from minidesk.replies.render import Rendered, RenderError, UnknownTemplate, render
from minidesk.replies.send import context_for, do_send_template, render_for_ticket
from minidesk.replies.spec import FieldError, TemplateError, TemplateSpec, check_template

__all__ = [
    "FieldError",
    "RenderError",
    "Rendered",
    "TemplateError",
    "TemplateSpec",
    "UnknownTemplate",
    "check_template",
    "context_for",
    "do_send_template",
    "format_money",
    "render",
    "render_for_ticket",
]


def format_money(amount_minor: int, currency: str = "USD") -> str:
    """``2400, "USD"`` → ``"$24.00"``; other currencies as ``"24.00 CHF"`` (one formatter
    for the whole desk: ``commerce.money``)."""
    return format_minor(amount_minor, currency)
