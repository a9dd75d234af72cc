"""Rendering: tokens filled, per-channel bodies and subjects, one call to action, stable A/B
variants, and a missing value is an error rather than a blank in a sent message."""

from __future__ import annotations

import pytest

from minidesk.replies import RenderError, format_money
from minidesk.replies.defaults import DEFAULTS
from minidesk.replies.render import choose_variant, render_spec
from minidesk.replies.spec import Body, TemplateSpec, check_template
from minidesk.replies.tokens import TOKENS

SAMPLES = {name: token.sample for name, token in TOKENS.items()}


def test_every_default_template_passes_its_own_checks() -> None:
    for spec in DEFAULTS.values():
        check_template(spec)


def test_refund_offer_names_amount_and_card_exactly_once() -> None:
    context = {**SAMPLES, "amount": format_money(2400, "USD"), "last4": "5454"}
    rendered = render_spec(DEFAULTS["refund_offer"], channel="chat", context=context)
    assert "Reply YES REFUND to confirm $24.00 to your Mastercard ending 5454." in rendered.text
    assert rendered.text.count("YES REFUND") == 1
    assert rendered.subject is None and rendered.html is None


def test_email_has_a_subject_and_html_with_the_call_to_action_marked() -> None:
    rendered = render_spec(DEFAULTS["order_status"], channel="email", context=SAMPLES)
    assert rendered.subject == "Order #123456 — Shipment Update"
    assert rendered.html is not None
    assert '<strong>Follow it here: <a href="https://track.example/JD0146">' in rendered.html
    assert rendered.meta == {
        "template": "order_status",
        "variant": "A",
        "language": "en",
        "subject": rendered.subject,
    }


def test_sms_uses_its_short_body() -> None:
    rendered = render_spec(DEFAULTS["order_status"], channel="sms", context=SAMPLES)
    assert rendered.text == (
        "Order #123456 is with DHL Express (JD014600006281530000), arriving Thu 12 June. "
        "Track: https://track.example/JD0146"
    )


def test_html_escapes_values() -> None:
    context = {**SAMPLES, "customer_name": "<script>x</script>"}
    rendered = render_spec(DEFAULTS["handoff"], channel="email", context=context)
    assert rendered.html is not None and "<script>" not in rendered.html
    assert "&lt;script&gt;" in rendered.html


@pytest.mark.parametrize("blank", [None, "", "  "])
def test_a_missing_value_is_an_error_naming_the_token(blank: str | None) -> None:
    context = {**SAMPLES, "tracking_url": blank}
    with pytest.raises(RenderError, match="needs a value for tracking_url"):
        render_spec(DEFAULTS["order_status"], channel="email", context=context)


@pytest.mark.parametrize("blank", [None, ""])
def test_a_token_the_template_tests_with_if_may_be_empty(blank: str | None) -> None:
    context = {**SAMPLES, "eta": blank}
    rendered = render_spec(DEFAULTS["order_running_late"], channel="email", context=context)
    assert "has not given a new delivery date yet" in rendered.text
    assert "now expects it" not in rendered.text
    # ... while the tokens it only places still must have a value.
    with pytest.raises(RenderError, match="needs a value for resend_on"):
        render_spec(
            DEFAULTS["order_running_late"], channel="email", context={**context, "resend_on": ""}
        )


def test_a_value_too_long_for_sms_is_refused_not_truncated() -> None:
    context = {**SAMPLES, "carrier": "X" * 300}
    with pytest.raises(RenderError, match="too long for SMS"):
        render_spec(DEFAULTS["order_status"], channel="sms", context=context)


def test_sandbox_blocks_python_internals() -> None:
    spec = TemplateSpec(
        "probe",
        "Probe",
        ("customer_name",),
        {"A": {"default": Body("{{ customer_name.__class__.__mro__ }} {{ cta }}", "ok", "s")}},
    )
    with pytest.raises(RenderError):
        render_spec(spec, channel="chat", context=SAMPLES)


def test_variants_are_stable_per_ticket_and_spread_across_tickets() -> None:
    spec = DEFAULTS["pending_reminder"]
    chosen = {
        ticket: render_spec(spec, channel="chat", context=SAMPLES, ticket_id=ticket).variant
        for ticket in range(1, 201)
    }
    assert chosen == {t: choose_variant(spec.key, t, ["B", "A"]) for t in range(1, 201)}
    assert 60 < sum(v == "A" for v in chosen.values()) < 140
    assert render_spec(spec, channel="chat", context=SAMPLES, variant="B").variant == "B"


@pytest.mark.parametrize(
    ("minor", "currency", "text"),
    [
        (2400, "USD", "$24.00"),
        (5001, "EUR", "€50.01"),
        (123456, "GBP", "£1,234.56"),
        (99, "CHF", "0.99 CHF"),
        (-500, "USD", "-$5.00"),
    ],
)
def test_format_money(minor: int, currency: str, text: str) -> None:
    assert format_money(minor, currency) == text
