"""The customer's survey pages, ``/s/{token}``: no sign-in, the signed token is the key.

A score link answers in one click (mail clients that open links ahead of the reader record at
most the score the link already names, and the customer can change it on the page); the page
then offers a comment. Unsubscribing asks for one press of a button, so a link scanner that
follows every link cannot opt a customer out. Answers and unsubscribes are public writes,
limited per client address (``minidesk.web.public_limit``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from minidesk.db import get_db
from minidesk.insights import links
from minidesk.insights.models import SCALES, Survey, SurveyKind
from minidesk.insights.questions import QUESTIONS
from minidesk.insights.surveys import SurveyError, do_answer, do_unsubscribe
from minidesk.web.public_limit import check_public_write
from minidesk.web.ui.render import page

router = APIRouter(include_in_schema=False)
MAX_COMMENT = 2000
TEMPLATE = "survey.html"


def _context(survey: Survey, token: str, **more: object) -> dict[str, object]:
    kind = SurveyKind(survey.kind)
    low, high = SCALES[kind]
    return {
        "token": token,
        "question": QUESTIONS[kind],
        "scores": list(range(low, high + 1)),
        "score": survey.score,
        "comment": survey.comment or "",
        "answered": survey.score is not None,
        **more,
    }


def _gone(request: Request) -> HTMLResponse:
    return page(request, TEMPLATE, {"missing": True}, status_code=404)


def _answer(request: Request, token: str, score: int | None, comment: str | None) -> Response:
    if score is not None:
        # Checked before the token, so guessing tokens spends the bucket too.
        check_public_write(request)
    survey_id = links.survey_of(token)
    if survey_id is None:
        return _gone(request)
    with get_db().transaction() as session:
        survey = session.get(Survey, survey_id)
        if survey is None:
            return _gone(request)
        error = ""
        if score is not None:
            try:
                do_answer(session, survey, score, comment, via="link")
            except SurveyError as exc:
                error = str(exc)
        context = _context(survey, token, error=error)
    return page(request, TEMPLATE, context, status_code=422 if error else 200)


@router.get("/s/{token}", response_class=HTMLResponse)
def survey_page(request: Request, token: str, score: int | None = None) -> Response:
    return _answer(request, token, score, None)


@router.post("/s/{token}", response_class=HTMLResponse)
def answer_form(
    request: Request,
    token: str,
    score: Annotated[int, Form()],
    comment: Annotated[str, Form(max_length=MAX_COMMENT)] = "",
) -> Response:
    return _answer(request, token, score, comment)


@router.get("/s/{token}/unsubscribe", response_class=HTMLResponse)
def unsubscribe_page(request: Request, token: str) -> Response:
    if links.survey_of(token) is None:
        return _gone(request)
    return page(request, TEMPLATE, {"token": token, "unsubscribe": True})


@router.post("/s/{token}/unsubscribe", response_class=HTMLResponse)
def unsubscribe(request: Request, token: str) -> Response:
    check_public_write(request)
    survey_id = links.survey_of(token)
    if survey_id is None:
        return _gone(request)
    with get_db().transaction() as session:
        survey = session.get(Survey, survey_id)
        if survey is None:
            return _gone(request)
        do_unsubscribe(session, survey.customer_id, survey.id)
    return page(request, TEMPLATE, {"token": token, "unsubscribed": True})
