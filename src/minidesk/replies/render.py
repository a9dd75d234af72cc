"""Rendering a template for one ticket and channel: variant choice, tokens, text and HTML."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import Template
from jinja2 import TemplateError as JinjaError
from markupsafe import Markup
from sqlalchemy.orm import Session

from minidesk.replies.defaults import DEFAULTS
from minidesk.replies.languages import TEAM, translated
from minidesk.replies.locale import DEFAULT_LANGUAGE, localise, supported
from minidesk.replies.nameless import mend
from minidesk.replies.sandbox import Refused, compile_checked, render_bounded
from minidesk.replies.spec import CTA, TemplateSpec, check_length, conditions_in, tokens_in

URL = re.compile(r"https?://[^\s<>\"]+")
HTML_CHANNELS = frozenset({"email"})


class RenderError(ValueError):
    """The template cannot produce this message (a missing value, a body too long): nothing
    is sent rather than a message with a blank in it."""


class UnknownTemplate(RenderError):
    pass


@dataclass(frozen=True)
class Rendered:
    text: str
    html: str | None
    subject: str | None
    template_key: str
    variant: str
    channel: str
    cta: str
    language: str = DEFAULT_LANGUAGE

    @property
    def meta(self) -> dict[str, Any]:
        """What to record on the message, so outcomes can be compared per variant."""
        found: dict[str, Any] = {
            "template": self.template_key,
            "variant": self.variant,
            "language": self.language,
        }
        if self.subject:
            found["subject"] = self.subject
        return found


def choose_variant(key: str, ticket_id: int | None, names: list[str]) -> str:
    """The same ticket always gets the same variant of a template (a stable hash, not
    ``random``), so a customer never sees A then B and reports can group by ticket."""
    ordered = sorted(names)
    if ticket_id is None or len(ordered) == 1:
        return ordered[0]
    digest = hashlib.sha256(f"{key}:{ticket_id}".encode()).digest()
    return ordered[int.from_bytes(digest[:8], "big") % len(ordered)]


def render(
    session: Session,
    key: str,
    *,
    channel: str,
    context: Mapping[str, Any],
    ticket_id: int | None = None,
    variant: str | None = None,
    language: str | None = None,
) -> Rendered:
    """Render template ``key`` for ``channel`` (the ticket's channel kind) with ``context``
    (token → value), in ``language`` when the template in use is the built-in one and has a
    translation. Raises ``UnknownTemplate`` or ``RenderError``; never returns a message with
    a blank where a value should be."""
    from minidesk.replies.store import get_spec

    spec = get_spec(session, key)
    if spec is None:
        raise UnknownTemplate(f"no enabled template {key!r}")
    wanted = supported(language) or DEFAULT_LANGUAGE
    english = localise(context, DEFAULT_LANGUAGE)
    if wanted != DEFAULT_LANGUAGE and spec == DEFAULTS.get(key):
        other = translated(key, wanted)
        if other is not None:
            try:
                rendered = render_spec(
                    other, channel=channel, context=_in(context, wanted), ticket_id=ticket_id
                )
            except RenderError:
                # Accents make an SMS UCS-2 (70 characters a segment): a translation that
                # does not fit goes out in English rather than not at all.
                pass
            else:
                return dataclasses.replace(rendered, language=wanted)
    return render_spec(spec, channel=channel, context=english, ticket_id=ticket_id, variant=variant)


def _in(context: Mapping[str, Any], language: str) -> dict[str, Any]:
    """``context`` for a translated template: values localised, and our own English words
    among the ticket's tokens (``send.context_for``) in ``language`` too."""
    shown = localise(context, language)
    shop = str(shown.get("shop_name", ""))
    if shown.get("agent_name") == TEAM[DEFAULT_LANGUAGE].format(shop=shop):
        shown["agent_name"] = TEAM[language].format(shop=shop)
    return shown


def render_spec(
    spec: TemplateSpec,
    *,
    channel: str,
    context: Mapping[str, Any],
    ticket_id: int | None = None,
    variant: str | None = None,
) -> Rendered:
    if variant is None:
        variant = choose_variant(spec.key, ticket_id, list(spec.variants))
    elif variant not in spec.variants:
        raise RenderError(f"template {spec.key!r} has no variant {variant!r}")
    _, body = spec.body_for(variant, channel)
    needed: set[str] = set()
    try:
        for source in body.sources().values():
            needed |= tokens_in(source) - conditions_in(source)
    except JinjaError as exc:  # a template stored before today's checks
        raise RenderError(f"template {spec.key!r}: {exc}") from exc
    needed.discard(CTA)
    missing = sorted(t for t in needed if context.get(t) is None or str(context[t]).strip() == "")
    if missing:
        raise RenderError(f"template {spec.key!r} needs a value for {', '.join(missing)}")
    values = {token: context[token] for token in spec.tokens if token in context}
    try:
        cta = mend(_text(body.cta, values))
        text = mend(_text(body.body, {**values, CTA: cta}))
        subject = mend(_text(body.subject, values)) if body.subject and channel == "email" else None
        html = mend(_html(body.body, values, cta)) if channel in HTML_CHANNELS else None
    except (JinjaError, Refused) as exc:
        raise RenderError(f"template {spec.key!r}: {exc}") from exc
    if too_long := check_length(channel, text):
        raise RenderError(too_long)
    return Rendered(text, html, subject, spec.key, variant, channel, cta)


@functools.lru_cache(maxsize=512)
def _compiled(source: str, html: bool) -> Template:
    """Compiling a template costs far more than rendering it; a reply on the hot path
    (inbound → automatic answer) reuses the compiled body. Keyed by the source itself, so an
    edited template compiles afresh. A source the sandbox refuses raises ``Refused`` (not
    cached: it never reaches a customer)."""
    return compile_checked(source, html=html)


def _text(source: str, values: Mapping[str, Any]) -> str:
    rendered = render_bounded(_compiled(source, False), values)
    return re.sub(r"\n{3,}", "\n\n", rendered).strip()


def _html(source: str, values: Mapping[str, Any], cta: str) -> str:
    cta_html = Markup("<strong>{}</strong>").format(cta)
    rendered = render_bounded(_compiled(source, True), {**values, CTA: cta_html}).strip()
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", rendered) if p.strip()]
    body = "".join(f"<p>{_links(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)
    return body


def _links(escaped: str) -> str:
    def link(match: re.Match[str]) -> str:
        url = match.group(0)
        return f'<a href="{url}">{url}</a>'

    return URL.sub(link, escaped)
