"""The bot walks a customer through a troubleshooting guide on chat and API channels: when
a question no flow handles fits a published guide as surely as an article must to be quoted,
the bot asks the guide's first question with numbered options; the customer answers by number
or by the option's words, and the end does what the guide says (links the article, starts the
flow, or hands off with the guide's note). An answer that is none of the options leaves the
guide (the run stays open and counts as abandoned) and the message is handled as any other.

Guides ask nothing that moves money, so any sender on the ticket may answer; a flow a guide
ends in makes its own checks (a refund still needs the verified customer).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sqlalchemy import select

from minidesk.desk.messages import do_reply
from minidesk.desk.models import Status
from minidesk.kb.answers import THRESHOLD
from minidesk.kb.guide_match import best_guide
from minidesk.kb.guide_models import KbGuide, KbGuideRun, RunSource
from minidesk.kb.guide_runs import current, do_choose, do_start_run
from minidesk.kb.guide_tree import EndKind, Node, choose
from minidesk.kb.models import ArticleStatus, KbArticle, Visibility
from minidesk.kb.reading import help_path
from minidesk.policies.decisions import Decision, Outcome
from minidesk.resolutions import kb_answers
from minidesk.resolutions.context import BOT, Turn
from minidesk.resolutions.models import Resolution, Step
from minidesk.resolutions.outcome import do_hand_off
from minidesk.settings import get_settings

RUN = "guide_run"  # state fact: the run the customer is in
CHANNELS = frozenset({"chat", "api"})  # where a numbered question reads well, in turns
Flow = Callable[[Turn], None]


def _ask(node: Node, title: str | None) -> str:
    options = "\n".join(f"{i}. {o.label}" for i, o in enumerate(node.options, 1))
    opening = f"This guide may help: “{title}”\n\n" if title else ""
    said = f"{node.text}\n\n" if node.text else ""
    return (
        f"{opening}{said}{node.question}\n{options}\n\n"
        "Reply with the number or the words of your answer, or ask for a person at any time."
    )


def try_offer(turn: Turn) -> bool:
    """Start the best-fitting guide if allowed and sure enough; True when the bot asked."""
    if turn.channel not in CHANNELS or kb_answers.why_not(turn) is not None:
        return False
    match = best_guide(turn.session, turn.text)
    if match is None or match.score < THRESHOLD:
        return False
    run = do_start_run(turn.session, match.guide, RunSource.BOT, turn.ticket.id)
    node = current(match.guide, run)
    do_reply(turn.session, turn.ticket, _ask(node, match.guide.title), BOT, status=Status.PENDING)
    turn.state.step = Step.IN_GUIDE
    turn.state.facts = {**turn.state.facts, RUN: run.id}
    return True


def _article(turn: Turn, slug: str) -> KbArticle | None:
    return turn.session.scalar(
        select(KbArticle)
        .where(
            KbArticle.slug == slug,
            KbArticle.status == ArticleStatus.PUBLISHED,
            KbArticle.visibility == Visibility.PUBLIC,
        )
        .order_by(KbArticle.id)
        .limit(1)
    )


def _end(turn: Turn, node: Node, flows: Mapping[str, Flow]) -> None:
    assert node.end is not None
    state = turn.state
    if node.end.kind == EndKind.FLOW and node.end.target in flows:
        state.step, state.flow = Step.NEW, node.end.target
        flows[node.end.target](turn)
        return
    article = _article(turn, node.end.target) if node.end.kind == EndKind.ARTICLE else None
    if article is not None:
        link = f"{get_settings().public_url.rstrip('/')}{help_path(article)}"
        said = f"{node.text}\n\n" if node.text else ""
        text = (
            f"{said}This article should fix it: “{article.title}”\n{link}\n\n"
            "If it does not, just reply and a person from our team will pick it up."
        )
        do_reply(turn.session, turn.ticket, text, BOT, status=Status.SOLVED)
        turn.ticket.resolution = Resolution.AUTO
        state.step = Step.DONE
        state.facts = {**state.facts, kb_answers.ANSWERED: article.id}
        return
    # A hand-off, or an end whose article or flow is gone since the guide was saved.
    note = node.end.target if node.end.kind == EndKind.HANDOFF else f"guide end {node.id}"
    do_hand_off(turn, Decision("any", Outcome.HAND_OFF, "guide.handoff", note or "guide end"))


def continue_guide(turn: Turn, flows: Mapping[str, Flow]) -> bool:
    """Take the customer's answer to the guide's question; False when it is not one of the
    options (the guide is left and the message handled as any other)."""
    state = turn.state
    run = turn.session.get(KbGuideRun, state.facts.get(RUN) or 0)
    guide = turn.session.get(KbGuide, run.guide_id) if run is not None else None
    state.step = Step.NEW
    if run is None or guide is None or guide.status != ArticleStatus.PUBLISHED:
        return False
    node = current(guide, run)
    option = choose(node, turn.text) if node.end is None else None
    if option is None:
        return False
    reached = do_choose(turn.session, guide, run, option)
    if reached.end is not None:
        _end(turn, reached, flows)
        return True
    do_reply(turn.session, turn.ticket, _ask(reached, None), BOT, status=Status.PENDING)
    state.step = Step.IN_GUIDE
    return True
