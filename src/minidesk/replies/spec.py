"""What a template is, and ``check_template``: every rule a template must pass to be saved.

A template declares its tokens; each variant (A, B …) has a ``default`` body and optional
bodies per channel. The call to action is the body's required ``cta`` field, placed in the
body with ``{{ cta }}`` exactly once — so every message has one call to action, never none
and never two.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from jinja2 import TemplateSyntaxError, meta, nodes

from minidesk.replies import sms
from minidesk.replies.sandbox import TOO_DEEP, parse, unsupported
from minidesk.replies.tokens import TOKENS

DEFAULT_CHANNEL = "default"
CHANNELS = (DEFAULT_CHANNEL, "email", "chat", "sms", "whatsapp", "api")
CTA = "cta"
MAX_SMS_SEGMENTS = 2
MAX_WHATSAPP_CHARS = 1024
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
VARIANT_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,16}$")

# Sizes, in characters. A reply is read by one person: a body of a few pages is plenty, and
# every variant is rendered for three channels when it is saved.
MAX_BODY_CHARS = 20_000
MAX_CTA_CHARS = 500
MAX_SUBJECT_CHARS = 500
MAX_VARIANT_CHARS = 40_000  # all of one variant's bodies, subjects and calls to action
MAX_VARIANTS = 10
PART_LIMITS = {"body": MAX_BODY_CHARS, "cta": MAX_CTA_CHARS, "subject": MAX_SUBJECT_CHARS}


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class TemplateError(ValueError):
    """A template that cannot be saved; ``errors`` name each offending field."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class Body:
    body: str
    cta: str
    subject: str | None = None

    def sources(self) -> dict[str, str]:
        found = {"body": self.body, "cta": self.cta}
        if self.subject:
            found["subject"] = self.subject
        return found


@dataclass(frozen=True)
class TemplateSpec:
    key: str
    name: str
    tokens: tuple[str, ...]
    variants: dict[str, dict[str, Body]] = field(default_factory=dict)

    @classmethod
    def from_data(
        cls, key: str, name: str, tokens: list[Any], variants: dict[str, Any]
    ) -> TemplateSpec:
        return cls(
            key=key,
            name=name,
            tokens=tuple(tokens),
            variants={
                variant: {channel: Body(**body) for channel, body in channels.items()}
                for variant, channels in variants.items()
            },
        )

    def variants_data(self) -> dict[str, Any]:
        return {
            variant: {
                channel: {"subject": b.subject, "body": b.body, "cta": b.cta}
                for channel, b in channels.items()
            }
            for variant, channels in self.variants.items()
        }

    def body_for(self, variant: str, channel: str) -> tuple[str, Body]:
        """The body a channel uses (its own, else the default) and which one that was."""
        channels = self.variants[variant]
        if channel in channels:
            return channel, channels[channel]
        return DEFAULT_CHANNEL, channels[DEFAULT_CHANNEL]

    def used_tokens(self) -> set[str]:
        used: set[str] = set()
        for channels in self.variants.values():
            for body in channels.values():
                for source in body.sources().values():
                    used |= tokens_in(source)
        return used - {CTA}


@functools.lru_cache(maxsize=1024)
def tokens_in(source: str) -> frozenset[str]:
    """The tokens ``source`` uses (parsing is the costly part of rendering: cached)."""
    try:
        return frozenset(meta.find_undeclared_variables(parse(source)))
    except RecursionError:  # the scan compiles, which recurses deeper than parsing
        raise TemplateSyntaxError(TOO_DEEP, 1) from None


@functools.lru_cache(maxsize=1024)
def conditions_in(source: str) -> frozenset[str]:
    """The tokens ``source`` tests with ``{% if %}``: the template says what to write when
    they are empty, so they may be (the others must have a value)."""
    names: set[str] = set()
    for branch in parse(source).find_all(nodes.If):
        test = branch.test  # "{% if eta %}" is the name itself; find_all looks below it
        names.update(
            n.name for n in (test, *test.find_all(nodes.Name)) if isinstance(n, nodes.Name)
        )
    return frozenset(names)


def _cta_uses(source: str) -> int:
    """How often ``{{ cta }}`` appears (the language has no loops to repeat it)."""
    return sum(1 for n in parse(source).find_all(nodes.Name) if n.name == CTA)


def check_template(spec: TemplateSpec) -> None:
    """Raise ``TemplateError`` listing every problem; return quietly when it can be saved."""
    errors: list[FieldError] = []
    if not KEY_PATTERN.match(spec.key):
        errors.append(FieldError("key", "use 2-64 lowercase letters, digits and underscores"))
    if not spec.name.strip():
        errors.append(FieldError("name", "a template needs a name"))
    for token in spec.tokens:
        if token not in TOKENS:
            known = ", ".join(sorted(TOKENS))
            errors.append(FieldError("tokens", f"unknown token {token!r}; known: {known}"))
    if not spec.variants:
        errors.append(FieldError("variants", "a template needs at least one variant"))
    if len(spec.variants) > MAX_VARIANTS:
        errors.append(FieldError("variants", f"at most {MAX_VARIANTS} variants"))
        raise TemplateError(errors)  # each variant is rendered to be checked: not that many
    for variant, channels in spec.variants.items():
        errors.extend(_check_variant(spec, variant, channels))
    if errors:
        raise TemplateError(errors)


def _check_variant(spec: TemplateSpec, variant: str, channels: dict[str, Body]) -> list[FieldError]:
    where = f"variants.{variant}"
    if not VARIANT_PATTERN.match(variant):
        return [FieldError(where, "variant names are 1-16 letters, digits, '-' or '_'")]
    errors: list[FieldError] = []
    size = sum(len(source) for body in channels.values() for source in body.sources().values())
    if size > MAX_VARIANT_CHARS:
        return [
            FieldError(
                where,
                f"{size} characters over all its bodies; a variant may have {MAX_VARIANT_CHARS}",
            )
        ]
    if DEFAULT_CHANNEL not in channels:
        errors.append(FieldError(where, "every variant needs a 'default' body"))
    for channel, body in channels.items():
        if channel not in CHANNELS:
            errors.append(
                FieldError(f"{where}.{channel}", f"unknown channel; use one of {CHANNELS}")
            )
            continue
        errors.extend(_check_body(spec, f"{where}.{channel}", body))
    if errors:
        return errors
    if spec.variants[variant][DEFAULT_CHANNEL].subject is None and "email" not in channels:
        errors.append(FieldError(f"{where}.default.subject", "an email needs a subject"))
    elif "email" in channels and not channels["email"].subject:
        errors.append(FieldError(f"{where}.email.subject", "an email needs a subject"))
    errors.extend(_check_lengths(spec, variant))
    return errors


def _check_body(spec: TemplateSpec, where: str, body: Body) -> list[FieldError]:
    errors: list[FieldError] = []
    for part, source in body.sources().items():
        if len(source) > PART_LIMITS[part]:
            message = f"{len(source)} characters; at most {PART_LIMITS[part]}"
            errors.append(FieldError(f"{where}.{part}", message))
            continue
        try:
            # Before the token scan, which compiles and would only say "no filter 'center'".
            refused = unsupported(parse(source))
            used = set() if refused else tokens_in(source)
        except TemplateSyntaxError as exc:
            errors.append(FieldError(f"{where}.{part}", f"line {exc.lineno}: {exc.message}"))
            continue
        errors.extend(FieldError(f"{where}.{part}", why) for why in refused)
        if refused:
            continue
        allowed = set(spec.tokens) | ({CTA} if part == "body" else set())
        for token in sorted(used - allowed):
            if token == CTA:
                message = "only the body may place {{ cta }}"
            else:
                message = f"uses token {token!r}, which the template does not declare"
            errors.append(FieldError(f"{where}.{part}", message))
    if errors:
        return errors
    if not body.cta.strip():
        errors.append(FieldError(f"{where}.cta", "a message needs exactly one call to action"))
    count = _cta_uses(body.body)
    if count != 1:
        errors.append(
            FieldError(
                f"{where}.body",
                f"place the call to action with {{{{ cta }}}} exactly once (found {count})",
            )
        )
    return errors


def _check_lengths(spec: TemplateSpec, variant: str) -> list[FieldError]:
    """Render with sample values: short channels must fit, whichever body they would use."""
    from minidesk.replies.render import RenderError, render_spec

    samples = {name: token.sample for name, token in TOKENS.items()}
    errors: list[FieldError] = []
    for channel in ("sms", "whatsapp", "email"):
        try:
            render_spec(spec, channel=channel, context=samples, variant=variant)
        except RenderError as exc:
            used, _ = spec.body_for(variant, channel)
            hint = "" if used == channel else f"; add a {channel} body"
            errors.append(FieldError(f"variants.{variant}.{channel}", f"{exc}{hint}"))
    return errors


def check_length(channel: str, text: str) -> str | None:
    """Why ``text`` is too long for ``channel``, or None when it fits."""
    if channel == "sms":
        length = sms.measure(text)
        if length.segments > MAX_SMS_SEGMENTS:
            return f"too long for SMS ({length.describe()}; at most {MAX_SMS_SEGMENTS})"
    if channel == "whatsapp" and len(text) > MAX_WHATSAPP_CHARS:
        return f"too long for WhatsApp ({len(text)} characters; at most {MAX_WHATSAPP_CHARS})"
    return None
