"""A template is refused at save time with the offending field named: undeclared or unknown
tokens, no call to action or two, an email without a subject, an SMS that would not fit."""

from __future__ import annotations

import pytest

from minidesk.replies import TemplateError, TemplateSpec, check_template
from minidesk.replies.spec import Body


def _spec(
    body: str = "Hi {{ customer_name }}. {{ cta }}",
    *,
    cta: str = "Reply here.",
    subject: str | None = "Hello",
    tokens: tuple[str, ...] = ("customer_name",),
    extra: dict[str, Body] | None = None,
) -> TemplateSpec:
    return TemplateSpec(
        "greeting",
        "Greeting",
        tokens,
        {"A": {"default": Body(body, cta, subject), **(extra or {})}},
    )


def _errors(spec: TemplateSpec) -> list[str]:
    with pytest.raises(TemplateError) as caught:
        check_template(spec)
    return [str(e) for e in caught.value.errors]


def test_a_valid_template_passes() -> None:
    check_template(_spec())


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (
            _spec("Hi {{ customer_nmae }}. {{ cta }}"),
            "variants.A.default.body: uses token 'customer_nmae', which the template does not "
            "declare",
        ),
        (_spec(tokens=("customer_name", "shoe_size")), "tokens: unknown token 'shoe_size'"),
        (
            _spec("Hi {{ customer_name }}."),
            "variants.A.default.body: place the call to action with {{ cta }} exactly once "
            "(found 0)",
        ),
        (
            _spec("{{ cta }} Hi {{ customer_name }}. {{ cta }}"),
            "variants.A.default.body: place the call to action with {{ cta }} exactly once "
            "(found 2)",
        ),
        (
            _spec("{% for x in [1, 2] %}{{ cta }}{% endfor %}"),
            "variants.A.default.body: loops ({% for %}) cannot be used in a template",
        ),
        (_spec(cta="  "), "variants.A.default.cta: a message needs exactly one call to action"),
        (_spec(cta="Reply {{ cta }}"), "variants.A.default.cta: only the body may place {{ cta }}"),
        (_spec(subject=None), "variants.A.default.subject: an email needs a subject"),
        (_spec("Hi {{ customer_name }. {{ cta }}"), "variants.A.default.body: line 1:"),
        (
            _spec("x" * 400 + " {{ cta }}"),
            "variants.A.sms: too long for SMS (412 gsm-7 units, 3 SMS segment(s); at most 2); "
            "add a sms body",
        ),
        (
            _spec(extra={"fax": Body("{{ cta }}", "Call us")}),
            "variants.A.fax: unknown channel",
        ),
        (
            _spec(extra={"email": Body("{{ cta }}", "Click")}),
            "variants.A.email.subject: an email needs a subject",
        ),
    ],
)
def test_refused_with_the_field_named(spec: TemplateSpec, expected: str) -> None:
    assert any(expected in error for error in _errors(spec)), _errors(spec)


def test_a_short_sms_body_makes_a_long_default_acceptable() -> None:
    check_template(_spec("x" * 400 + " {{ cta }}", extra={"sms": Body("Hi! {{ cta }}", "Reply")}))


def test_a_key_must_be_a_slug() -> None:
    spec = TemplateSpec("Bad Key", "x", (), {"A": {"default": Body("{{ cta }}", "Go", "S")}})
    assert _errors(spec) == ["key: use 2-64 lowercase letters, digits and underscores"]
