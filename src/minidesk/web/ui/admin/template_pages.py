"""Reply templates (managers and admins): the list, and editing one — its tokens, its A/B
variants and each variant's bodies per channel — with a preview of the form as it stands,
rendered with sample values for every channel. Saved by ``replies.store`` as the API does."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from minidesk.db import commit, get_db
from minidesk.desk.access import Permission
from minidesk.desk.models import User
from minidesk.desk.users import actor_of
from minidesk.replies import RenderError, TemplateError, TemplateSpec
from minidesk.replies.render import render_spec
from minidesk.replies.spec import CHANNELS, MAX_VARIANTS, Body, FieldError, check_template
from minidesk.replies.store import do_save_template, get_listed, list_templates
from minidesk.replies.tokens import TOKENS
from minidesk.web.ui.admin.gate import admin_page
from minidesk.web.ui.forms import tags
from minidesk.web.ui.render import redirect
from minidesk.web.ui.signed_in import Browser, BrowserDep, refused

router = APIRouter(include_in_schema=False)
NEEDS = Permission.MANAGE_RULES
HERE = "/admin/templates"
PARTS = ("subject", "body", "cta")
MAX_FORM_FIELDS = (MAX_VARIANTS + 1) * (len(CHANNELS) * len(PARTS) + 1) + 10


@dataclass
class Variant:
    name: str
    bodies: dict[str, dict[str, str]] = field(default_factory=dict)  # channel → part → text


@dataclass
class Draft:
    key: str
    name: str
    tokens: str
    enabled: bool
    variants: list[Variant]

    def spec(self) -> TemplateSpec:
        return TemplateSpec(
            key=self.key,
            name=self.name,
            tokens=tuple(tags(self.tokens)),
            variants={
                v.name: {
                    channel: Body(body=p["body"], cta=p["cta"], subject=p["subject"] or None)
                    for channel, p in v.bodies.items()
                }
                for v in self.variants
            },
        )


def _draft_of(spec: TemplateSpec, enabled: bool) -> Draft:
    variants = [
        Variant(name, {c: {"subject": b.subject or "", "body": b.body, "cta": b.cta}
                       for c, b in channels.items()})
        for name, channels in spec.variants.items()
    ]  # fmt: skip
    return Draft(spec.key, spec.name, " ".join(spec.tokens), enabled, variants)


def _read(posted: dict[str, str], key: str) -> Draft:
    variants = []
    for i in range(MAX_VARIANTS + 1):
        if f"variant.{i}" not in posted:
            continue
        bodies = {}
        for channel in CHANNELS:
            parts = {p: posted.get(f"v{i}.{channel}.{p}", "") for p in PARTS}
            if any(text.strip() for text in parts.values()):
                bodies[channel] = parts
        name = posted[f"variant.{i}"].strip()
        if name or bodies:  # the empty "new variant" slot is no variant
            variants.append(Variant(name, bodies))
    return Draft(
        key=key,
        name=posted.get("name", "").strip(),
        tokens=posted.get("tokens", ""),
        enabled=bool(posted.get("enabled")),
        variants=variants,
    )


def _show(
    request: Request, browser: Browser, draft: Draft, new: bool,
    errors: list[FieldError] | None = None, previews: list[dict[str, Any]] | None = None,
    channel: str = "email", status_code: int = 200,
) -> Response:  # fmt: skip
    context = {
        "draft": draft, "new": new, "channels": CHANNELS, "parts": PARTS,
        "errors": {e.field: e.message for e in errors or []}, "all_errors": errors or [],
        "previews": previews, "preview_channel": channel, "tokens": sorted(TOKENS),
        "room": len(draft.variants) < MAX_VARIANTS,
    }  # fmt: skip
    return admin_page(request, browser, "templates", "template.html", context, status_code)


@router.get(HERE, response_class=HTMLResponse)
def templates_page(request: Request, browser: BrowserDep) -> Response:
    if (no := refused(request, browser, NEEDS)) is not None:
        return no
    with get_db().sessions() as session:
        listed = list_templates(session)
    return admin_page(request, browser, "templates", "templates.html", {"templates": listed})


@router.get(HERE + "/new", response_class=HTMLResponse)
def new_template(request: Request, browser: BrowserDep) -> Response:
    draft = Draft("", "", "customer_name", True, [Variant("A")])
    return refused(request, browser, NEEDS) or _show(request, browser, draft, new=True)


@router.get(HERE + "/{key}", response_class=HTMLResponse)
def edit_template(request: Request, key: str, browser: BrowserDep) -> Response:
    if (no := refused(request, browser, NEEDS)) is not None:
        return no
    with get_db().sessions() as session:
        listed = get_listed(session, key)
    if listed is None:
        return redirect(HERE, f"No template {key[:64]!r}.")
    return _show(request, browser, _draft_of(listed.spec, listed.enabled), new=False)


@router.post(HERE)
async def save_template(request: Request, browser: BrowserDep) -> Response:
    """Save the posted template, or with ``preview`` render it without saving."""
    form = await request.form(max_fields=MAX_FORM_FIELDS)
    posted = {k: v for k, v in form.items() if isinstance(v, str)}
    browser.check(posted.get("csrf"))
    return await run_in_threadpool(_save, request, browser, posted)


def _save(request: Request, browser: Browser, posted: dict[str, str]) -> Response:
    if (no := refused(request, browser, NEEDS)) is not None:
        return no
    new = posted.get("new") == "1"
    draft = _read(posted, posted.get("key", "").strip()[:64])
    names = [v.name for v in draft.variants]
    if len(set(names)) != len(names):
        twice = [FieldError("variants", "two variants have the same name")]
        return _show(request, browser, draft, new, twice, status_code=422)
    spec = draft.spec()
    try:
        check_template(spec)
    except TemplateError as exc:
        return _show(request, browser, draft, new, exc.errors, status_code=422)
    channel = posted.get("preview_channel", "email")
    if posted.get("preview"):
        return _show(request, browser, draft, new, previews=_previews(spec, channel),
                     channel=channel)  # fmt: skip
    with get_db().write_sessions() as session:
        existing = get_listed(session, spec.key)
        if new and existing is not None and existing.customised:
            taken = [FieldError("key", f"template {spec.key!r} exists; edit it instead")]
            return _show(request, browser, draft, new, taken, status_code=422)
        author = session.get_one(User, browser.user.id)
        do_save_template(session, spec, actor_of(author), author=author, enabled=draft.enabled)
        commit(session)
    return redirect(HERE, f"Saved template {spec.key}.")


def _previews(spec: TemplateSpec, channel: str) -> list[dict[str, Any]]:
    """Each variant as ``channel`` would send it, with the tokens' sample values."""
    if channel not in CHANNELS[1:]:
        channel = "email"
    samples = {name: token.sample for name, token in TOKENS.items()}
    shown = []
    for variant in spec.variants:
        try:
            rendered = render_spec(spec, channel=channel, context=samples, variant=variant)
        except RenderError as exc:
            shown.append({"variant": variant, "error": str(exc)})
            continue
        shown.append({"variant": variant, "subject": rendered.subject or "", "text": rendered.text})
    return shown
