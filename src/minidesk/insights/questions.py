"""What a survey says on each channel: the question, its scale, and how to answer.

Email gets one link per score (one click answers; the page that opens takes a comment);
channels the customer types on (SMS, WhatsApp, chat, API) get "reply with a number", parsed
from their next message (``insights.replies``), and one link for those who prefer it. They
also carry the scores as ``choices``: a channel that can show answers to tap (WhatsApp's
reply buttons and lists) does, and the tapped one comes back with its id."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from typing import Any

from minidesk.insights import links
from minidesk.insights.models import SCALES, SurveyKind

EMAIL = "email"


@dataclass(frozen=True)
class Question:
    text: str
    low: str  # what the lowest score means
    high: str


QUESTIONS: dict[SurveyKind, Question] = {
    SurveyKind.CSAT: Question(
        "How satisfied are you with the help you received?", "very dissatisfied", "very satisfied"
    ),
    SurveyKind.NPS: Question(
        "How likely are you to recommend us to a friend or colleague?",
        "not at all likely",
        "extremely likely",
    ),
    SurveyKind.CES: Question(
        "How easy was it to get your issue resolved?", "very difficult", "very easy"
    ),
}


@dataclass(frozen=True)
class Rendered:
    text: str
    html: str | None
    # The scores as answers to tap, for a channel that shows them (``meta["choices"]``).
    choices: dict[str, Any] | None = None


# A tapped score's id: the survey and the score, read back by ``choice_of``.
CHOICE = re.compile(r"^survey:(\d{1,18}):(\d{1,2})$")


def choice_id(survey_id: int, score: int) -> str:
    return f"survey:{survey_id}:{score}"


def choice_of(answer_id: str) -> tuple[int, int] | None:
    """The (survey id, score) a tapped answer stands for, or None for another button."""
    found = CHOICE.match(answer_id)
    return (int(found.group(1)), int(found.group(2))) if found else None


def choices(kind: SurveyKind, survey_id: int) -> dict[str, Any]:
    """Every score of the scale, best first, the ends labelled ("5 - very satisfied")."""
    question = QUESTIONS[kind]
    low, high = SCALES[kind]
    labels = {low: question.low, high: question.high}
    options = [
        {
            "id": choice_id(survey_id, score),
            "title": f"{score} - {labels[score]}" if score in labels else str(score),
        }
        for score in range(high, low - 1, -1)
    ]
    return {"label": "Choose a score", "options": options, "comment": "Add a comment (optional)"}


def render(kind: SurveyKind, survey_id: int, channel: str) -> Rendered:
    question = QUESTIONS[kind]
    low, high = SCALES[kind]
    scale = f"{low} ({question.low}) to {high} ({question.high})"
    unsubscribe = links.unsubscribe_url(survey_id)
    if channel != EMAIL:
        text = (
            f"{question.text} Reply with a number from {scale}, optionally followed by a "
            f'comment (e.g. "{high} - quick and friendly"). Or answer here: '
            f"{links.answer_url(survey_id)} . No more surveys: {unsubscribe}"
        )
        return Rendered(text, None, choices(kind, survey_id))
    scores = range(high, low - 1, -1)  # best first: the order people read a rating list in
    lines = [f"{score}: {links.answer_url(survey_id, score)}" for score in scores]
    text = "\n".join(
        [
            question.text,
            f"Choose a score from {scale}:",
            *lines,
            "",
            f"No more surveys: {unsubscribe}",
        ]
    )
    items = "".join(
        f'<li><a href="{escape(links.answer_url(survey_id, score))}">{score}</a></li>'
        for score in scores
    )
    html = (
        f"<p>{escape(question.text)}</p><p>Choose a score from {escape(scale)}:</p>"
        f'<ul>{items}</ul><p><a href="{escape(unsubscribe)}">No more surveys</a></p>'
    )
    return Rendered(text, html)
