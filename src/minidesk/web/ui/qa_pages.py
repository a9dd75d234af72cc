"""QA pages: the reviews a person may read (``/qa``), and one review (``/qa/reviews/{id}``)
where a reviewer scores the scorecard's items and the reviewed agent disputes the score."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.db import get_db
from minidesk.desk import access
from minidesk.desk.models import Ticket, User
from minidesk.desk.users import actor_of
from minidesk.insights import qa
from minidesk.insights.qa_models import QaReview, QaScorecard, ReviewStatus
from minidesk.insights.scorecard import ITEM_MAX, ScoreError
from minidesk.web.schemas import RowIdPath
from minidesk.web.ui.render import page, redirect
from minidesk.web.ui.signed_in import BrowserDep, forbidden

router = APIRouter(include_in_schema=False)
NOT_APPLICABLE = "na"
PAGE_SIZE = 100


def _review(session: Session, user: User, review_id: int) -> QaReview | None:
    query = select(QaReview).where(QaReview.id == review_id)
    if (visible := qa.visible_reviews(user)) is not None:
        query = query.where(visible)
    return session.scalars(query).first()


@router.get("/qa", response_class=HTMLResponse)
def reviews(request: Request, browser: BrowserDep) -> Response:
    with get_db().sessions() as session:
        user = session.get_one(User, browser.user.id)
        query = select(QaReview).order_by(QaReview.id.desc()).limit(PAGE_SIZE)
        if (visible := qa.visible_reviews(user)) is not None:
            query = query.where(visible)
        rows = list(session.scalars(query))
        agents = {u.id: u.name or u.email for u in session.scalars(
            select(User).where(User.id.in_({r.agent_id for r in rows} or {0})))}  # fmt: skip
        context = {"browser": browser, "reviews": rows, "agents": agents, "active": "qa"}
        return page(request, "qa.html", context)


@router.get("/qa/reviews/{review_id}", response_class=HTMLResponse)
def review_page(request: Request, browser: BrowserDep, review_id: RowIdPath) -> Response:
    with get_db().sessions() as session:
        user = session.get_one(User, browser.user.id)
        review = _review(session, user, review_id)
        if review is None:
            missing = {"browser": browser, "what": "That review"}
            return page(request, "not_found.html", missing, 404)
        agent = session.get_one(User, review.agent_id)
        card = session.get_one(QaScorecard, review.scorecard_id)
        ticket = session.get_one(Ticket, review.ticket_id)
        context: dict[str, Any] = {
            "browser": browser, "review": review, "agent": agent, "ticket": ticket,
            "categories": card.spec["categories"], "values": list(range(ITEM_MAX + 1)),
            "may_score": access.reviews_agent(session, user, agent)
            and review.status in (ReviewStatus.PENDING, ReviewStatus.SCORED),
            "may_dispute": user.id == agent.id and review.status == ReviewStatus.SCORED,
            "active": "qa",
        }  # fmt: skip
        return page(request, "qa_review.html", context)


@router.post("/qa/reviews/{review_id}", response_class=HTMLResponse)
async def score(request: Request, browser: BrowserDep, review_id: RowIdPath) -> Response:
    form = await request.form()
    browser.check(str(form.get("csrf", "")))
    given: dict[str, int | None] = {}
    for name, value in form.multi_items():
        if name.startswith("item_"):
            raw = str(value)
            given[name.removeprefix("item_")] = (
                None if raw == NOT_APPLICABLE else int(raw) if raw.isdigit() else -1
            )
    comment = str(form.get("comment", ""))[:5000] or None
    url = f"/qa/reviews/{review_id}"
    with get_db().transaction() as session:
        user = session.get_one(User, browser.user.id)
        review = _review(session, user, review_id)
        if review is None:
            return page(request, "not_found.html", {"browser": browser, "what": "That review"}, 404)
        if not access.reviews_agent(session, user, session.get_one(User, review.agent_id)):
            why = "You do not review this agent."
            return forbidden(request, browser, why)
        try:
            qa.do_score(session, review, user, given, comment, actor_of(user))
        except (qa.QaError, ScoreError) as exc:
            # Checked before anything changed: nothing to undo.
            return redirect(url, f"Not saved: {exc}")
        percent = review.score_percent
    return redirect(url, f"Review saved: {percent}%.")


@router.post("/qa/reviews/{review_id}/dispute", response_class=HTMLResponse)
def dispute(
    request: Request,
    browser: BrowserDep,
    review_id: RowIdPath,
    csrf: Annotated[str, Form(max_length=100)] = "",
    text: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    browser.check(csrf)
    url = f"/qa/reviews/{review_id}"
    with get_db().transaction() as session:
        user = session.get_one(User, browser.user.id)
        review = _review(session, user, review_id)
        if review is None:
            return page(request, "not_found.html", {"browser": browser, "what": "That review"}, 404)
        if not text.strip():
            return redirect(url, "Say why you disagree.")
        try:
            qa.do_dispute(session, review, user, text.strip(), actor_of(user))
        except qa.QaError as exc:
            return redirect(url, f"Not sent: {exc}")
    return redirect(url, "Dispute sent.")
