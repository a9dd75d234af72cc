"""What a survey says on each channel: the question, its scale, and how to answer.

Email gets one link per score (one click answers; the page that opens takes a comment);
channels the customer types on (SMS, WhatsApp, chat, API) get "reply with a number", parsed
from their next message (``insights.replies``), and one link for those who prefer it."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

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
        return Rendered(text, None)
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
